-- pgfence-test: schema=trigger_functions.schema
-- Functions that return trigger can be called by nothing but a trigger (parse_func.c), so CASCADE
-- drops only their triggers: said at MEDIUM with the triggers it drops, not as columns with their
-- data. A function of another return type may be used anywhere: still not known, HIGH.
SET lock_timeout = '2s';
DROP FUNCTION site_aggregates_post_insert() CASCADE;
DROP FUNCTION hot_rank(numeric) CASCADE;
