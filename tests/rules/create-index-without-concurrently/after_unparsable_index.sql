-- The view does not parse (a psql variable), and the table was not created here: its index still blocks writes.
CREATE MATERIALIZED VIEW daily_signups AS SELECT date_trunc('day', created_at) AS day, count(*) FROM users WHERE created_at > :cutoff GROUP BY 1;
CREATE INDEX users_created_at_idx ON users (created_at);
CREATE UNIQUE INDEX daily_signups_day_key ON daily_signups (day);
