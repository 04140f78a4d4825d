"""The statutory clock (beslistermijn) and what it rests on: working days, periods, the catalogue."""
