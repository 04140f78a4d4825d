"""The ``backbone`` command. It is the outermost layer: it wires the services' composition roots."""
