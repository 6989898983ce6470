"""Palabre: local digital democracy."""

__version__ = "0.1.0"
