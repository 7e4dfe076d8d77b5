"""Store backends the store tests run on. The PostgreSQL engineer appends "postgres"."""

BACKENDS: list[str] = ["duckdb", "postgres"]
