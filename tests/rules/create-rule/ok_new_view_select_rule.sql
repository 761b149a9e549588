-- The ON SELECT rule of a view this migration makes: nobody reads it yet.
SET lock_timeout = '2s';
CREATE TABLE things (id bigint PRIMARY KEY, nm text);
CREATE VIEW v_things AS SELECT id, nm FROM things;
CREATE OR REPLACE RULE "_RETURN" AS ON SELECT TO v_things DO INSTEAD SELECT id, nm FROM things WHERE id > 0;
