import sys

from olclint.cli.main import main

if __name__ == "__main__":  # spawned pool workers import this module again: run nothing
    sys.exit(main())
