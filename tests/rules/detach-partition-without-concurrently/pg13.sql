-- pgfence-test: pg-version=13
ALTER TABLE events DETACH PARTITION events_2019;
