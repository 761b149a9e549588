SET lock_timeout = '2s';
ALTER TABLE events DETACH PARTITION events_2019;
ALTER TABLE app."Metrics" DETACH PARTITION app.metrics_old;
