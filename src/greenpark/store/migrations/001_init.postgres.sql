-- PostgreSQL only, after 001_init.sql: the unique index that makes readings upsert on
-- (park_id, meter_id, ts) with ON CONFLICT (DuckDB keeps them unique by delete-then-insert),
-- and the index the quarantine is read by.

CREATE UNIQUE INDEX readings_key ON readings (park_id, meter_id, ts);

CREATE INDEX quarantine_park_seq ON quarantine (park_id, seq);

CREATE INDEX wastewater_park_ts ON wastewater (park_id, ts);
