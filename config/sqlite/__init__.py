"""Django's SQLite backend, keeping the database file owner-only (see base.py)."""
