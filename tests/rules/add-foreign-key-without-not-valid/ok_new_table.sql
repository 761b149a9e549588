CREATE TABLE notes (id bigint PRIMARY KEY, user_id bigint);
ALTER TABLE notes ADD CONSTRAINT notes_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
