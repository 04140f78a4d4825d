"""The tower's views rendered for a terminal (``backbone tower ...``, ``backbone demo``)."""
