DELETE FROM sessions WHERE expires_at < now() - interval '30 days';
CREATE TABLE staging (id bigint);
DELETE FROM staging;
