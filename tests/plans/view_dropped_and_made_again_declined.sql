-- path: migrations/2020-02-06-165953_change_post_title_length/up.sql
CREATE TABLE post (id serial PRIMARY KEY, name varchar(100) NOT NULL, body text, published timestamp NOT NULL DEFAULT now());
CREATE TABLE comment (id serial PRIMARY KEY, post_id int NOT NULL REFERENCES post (id), content text NOT NULL);
CREATE VIEW post_view AS SELECT p.*, (SELECT count(*) FROM comment c WHERE c.post_id = p.id) AS comments FROM post p;
-- migration
DROP VIEW post_view;
ALTER TABLE post ALTER COLUMN name TYPE varchar(200);
CREATE INDEX idx_comment_post ON comment (post_id);
CREATE VIEW post_view AS SELECT p.*, (SELECT count(*) FROM comment c WHERE c.post_id = p.id) AS comments FROM post p;
