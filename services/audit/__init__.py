"""Audit: checks that the recorded history of every case is whole and unaltered."""
