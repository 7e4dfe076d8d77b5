"""Live ingestion for the service: HTTP and MQTT readings, analyser values, validation and alerts."""
