CREATE INDEX users_tmp_idx ON users (email);
DROP INDEX users_tmp_idx;
