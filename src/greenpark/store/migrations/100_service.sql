-- The live service's own tables (greenpark.api, greenpark.ingest): users, tokens and
-- sessions, alerts. Portable SQL (DuckDB and PostgreSQL). Numbered 100 so the park
-- schema (001..099) can grow before it. Secrets are stored only as hashes.

CREATE TABLE service_users (
    user_id VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL UNIQUE,
    password_hash VARCHAR,
    role VARCHAR NOT NULL,
    park_id VARCHAR,
    tenant_id VARCHAR,
    meter_ids TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    active BOOLEAN NOT NULL
);

-- kind 'api' (bearer token) or 'session' (browser cookie; csrf_hash for the double-submit check)
CREATE TABLE service_tokens (
    token_hash VARCHAR PRIMARY KEY,
    user_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    name VARCHAR,
    csrf_hash VARCHAR,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE,
    revoked BOOLEAN NOT NULL
);

-- state: open, acknowledged, closed; pushed_at: when the webhook accepted it
CREATE TABLE service_alerts (
    alert_id VARCHAR PRIMARY KEY,
    park_id VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    tenant_id VARCHAR,
    severity VARCHAR NOT NULL,
    message TEXT NOT NULL,
    state VARCHAR NOT NULL,
    first_ts TIMESTAMP WITH TIME ZONE,
    last_ts TIMESTAMP WITH TIME ZONE,
    data TEXT,
    opened_at TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at TIMESTAMP WITH TIME ZONE,
    acknowledged_by VARCHAR,
    closed_at TIMESTAMP WITH TIME ZONE,
    closed_by VARCHAR,
    pushed_at TIMESTAMP WITH TIME ZONE
);
