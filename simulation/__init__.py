"""Seeded histories of IND case work, driven through the real intake and decision commands."""
