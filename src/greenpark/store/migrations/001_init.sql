-- greenpark store schema, version 1. Portable SQL: runs unchanged on DuckDB and PostgreSQL.
-- Timestamps are TIMESTAMP WITH TIME ZONE, written and read in UTC.
-- Small objects (tenants, roofs, wwtps) and the small record tables are JSON text;
-- what SQL aggregates (meters, readings, wastewater) has typed columns.

CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE parks (
    park_id VARCHAR PRIMARY KEY,
    timezone VARCHAR NOT NULL,
    doc TEXT NOT NULL
);

CREATE TABLE park_objects (
    park_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    object_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (park_id, kind, object_id)
);

CREATE TABLE meters (
    park_id VARCHAR NOT NULL,
    meter_id VARCHAR NOT NULL,
    tenant_id VARCHAR,
    kind VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    cumulative BOOLEAN NOT NULL,
    register_max DOUBLE PRECISION,
    wwtp_id VARCHAR,
    position INTEGER NOT NULL,
    PRIMARY KEY (park_id, meter_id)
);

CREATE TABLE record_tables (
    park_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (park_id, name)
);

CREATE TABLE wastewater (
    park_id VARCHAR NOT NULL,
    wwtp_id VARCHAR NOT NULL,
    ts TIMESTAMP WITH TIME ZONE NOT NULL,
    point VARCHAR NOT NULL,
    parameter VARCHAR NOT NULL,
    value DOUBLE PRECISION,
    unit VARCHAR,
    method VARCHAR,
    censored BOOLEAN NOT NULL
);

-- No primary key: (park_id, meter_id, ts) is kept unique by the importer and by
-- write_readings (delete-then-insert); a unique index would slow bulk loading of
-- tens of millions of rows in DuckDB. PostgreSQL adds its index in 001_init.postgres.sql.
CREATE TABLE readings (
    park_id VARCHAR NOT NULL,
    meter_id VARCHAR NOT NULL,
    ts TIMESTAMP WITH TIME ZONE NOT NULL,
    value DOUBLE PRECISION NOT NULL
);

CREATE TABLE quarantine (
    park_id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    file VARCHAR,
    line VARCHAR,
    field VARCHAR,
    value TEXT,
    reason TEXT,
    raw TEXT,
    added_at TIMESTAMP WITH TIME ZONE NOT NULL
);
