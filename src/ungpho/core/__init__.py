"""Functional core: pure Python and numpy, no Django, no database."""
