CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
CREATE INDEX audit_note_idx ON audit (note);
