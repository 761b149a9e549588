CREATE TABLE audit (id bigint PRIMARY KEY, note text);
CREATE INDEX audit_note_idx ON audit (note);
REINDEX TABLE audit;
REINDEX INDEX audit_note_idx;
CREATE SCHEMA staging;
REINDEX SCHEMA staging;
