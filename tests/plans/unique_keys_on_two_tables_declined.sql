-- path: migrations/20170304182614_make_schema_compatible_with_diesel/up.sql
CREATE TABLE crates (id serial PRIMARY KEY, name varchar NOT NULL);
CREATE TABLE categories (id serial PRIMARY KEY, category varchar NOT NULL);
CREATE TABLE keywords (id serial PRIMARY KEY, keyword text NOT NULL);
CREATE TABLE badges (crate_id integer NOT NULL REFERENCES crates (id), badge_type varchar NOT NULL, attributes jsonb NOT NULL);
CREATE UNIQUE INDEX badges_crate_type ON badges (crate_id, badge_type);
CREATE TABLE crates_categories (crate_id integer NOT NULL REFERENCES crates (id), category_id integer NOT NULL REFERENCES categories (id));
CREATE TABLE crates_keywords (crate_id integer NOT NULL REFERENCES crates (id), keyword_id integer NOT NULL REFERENCES keywords (id));
-- migration
DROP INDEX badges_crate_type;
ALTER TABLE badges ADD PRIMARY KEY (crate_id, badge_type);
ALTER TABLE crates_categories ADD PRIMARY KEY (crate_id, category_id);
ALTER TABLE crates_keywords ADD PRIMARY KEY (crate_id, keyword_id);
