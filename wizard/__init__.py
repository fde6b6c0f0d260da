"""aws-setup-wizard's engine: AWS knowledge with no user-interface library in it."""

__version__ = "0.1.0"
