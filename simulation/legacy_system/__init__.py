"""A stand-in for the IND's legacy case system: scaffolding for the tests and the demo, not a model
of the real one.

It has the shape of a case system of the 2000s in its own PostgreSQL database (a real database,
captured by Debezium like the real one would be): mutable rows, status codes stored as text, Dutch
column names, personal data in the same rows as the case, history kept in a side table, corrections
and deletions in place. ``LegacyCaseworkers`` works it as caseworkers would. The names and numbers
it writes are random, not real people.
"""
