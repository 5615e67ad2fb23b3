"""The command line: wires the stages and owns the exit codes (`olclint.cli.main`)."""

from olclint.cli.main import main

__all__ = ["main"]
