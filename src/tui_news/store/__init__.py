"""The SQLite cache: connections (db), schema and migrations (schema), queries (repo)."""
