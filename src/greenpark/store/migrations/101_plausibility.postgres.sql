-- PostgreSQL only, after 101_plausibility.sql: the index the held-out listing is read by.

CREATE INDEX held_out_park_seq ON held_out (park_id, seq);
