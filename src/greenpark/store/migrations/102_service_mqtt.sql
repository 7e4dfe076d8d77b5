-- Per-device message sequence numbers seen over MQTT (greenpark.ingest.sequences): the numbers not yet
-- checked for gaps, and per device the highest number already checked (checked = TRUE), from which the
-- next check goes on. Shared by every service process on the store (a shared subscription splits one
-- device's messages between them).
CREATE TABLE service_mqtt_sequences (
    park_id VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    checked BOOLEAN NOT NULL,
    PRIMARY KEY (park_id, device, seq)
);
