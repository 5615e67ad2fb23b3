"""olclint: a static configuration linter for OL Connect server clusters."""

__version__ = "0.1.0"
