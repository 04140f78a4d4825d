"""The personal-data vault's migrations, one directory per SQL dialect (``sqlite/``, ``postgres/``), one
numbered file per version, applied in order by ``backbone.migrations`` when the vault opens.

The vault is the one store that events cannot rebuild, so a migration only ever adds: a new file for
each change, never an edit of an applied one, and no rollback files (undoing a migration could drop
personal data that exists nowhere else). ``0001`` is the tables as ``CREATE TABLE IF NOT EXISTS`` made
them before there were migrations, so a store of that version keeps its rows and is marked at 0001.
"""
