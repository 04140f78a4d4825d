"""The control tower's web dashboard: one HTML page, its stylesheet and its scripts (package data)."""
