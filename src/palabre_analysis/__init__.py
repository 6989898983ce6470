"""Palabre analysis engine (Django-free)."""
