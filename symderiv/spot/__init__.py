"""Numeric spot checks of catalogued derivations."""
