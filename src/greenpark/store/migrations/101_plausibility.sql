-- Numbered after 100 (not 002): a store already at version 100 applies only later versions.
-- Meter plausibility (VEE, issue 14): the meters' physical bounds and interval, the readings held out
-- of every result (spikes, impossible register steps) and the decisions that accept one back.
-- Nothing is deleted: a held-out row stays listed after it is accepted (accepted_by/accepted_at set).

ALTER TABLE meters ADD COLUMN max_kw DOUBLE PRECISION;

ALTER TABLE meters ADD COLUMN max_per_interval DOUBLE PRECISION;

ALTER TABLE meters ADD COLUMN interval_min DOUBLE PRECISION;

-- ts = interval start (UTC), value and bound in the meter's base unit (kWh or m3 per interval)
CREATE TABLE held_out (
    park_id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    file VARCHAR,
    line VARCHAR,
    meter_id VARCHAR NOT NULL,
    ts TIMESTAMP WITH TIME ZONE NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    bound DOUBLE PRECISION,
    unit VARCHAR,
    rule_id VARCHAR NOT NULL,
    reason TEXT,
    raw TEXT,
    accepted_by VARCHAR,
    accepted_at TIMESTAMP WITH TIME ZONE,
    note TEXT
);

-- a person's decision that a held-out reading is real; kept across re-imports (the import applies it)
CREATE TABLE accepted_readings (
    park_id VARCHAR NOT NULL,
    meter_id VARCHAR NOT NULL,
    ts TIMESTAMP WITH TIME ZONE NOT NULL,
    accepted_by VARCHAR NOT NULL,
    accepted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    note TEXT,
    PRIMARY KEY (park_id, meter_id, ts)
);
