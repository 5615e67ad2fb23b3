import sys

from olclint.cli.main import main

sys.exit(main())
