import sys

from olclint.cli import main

sys.exit(main())
