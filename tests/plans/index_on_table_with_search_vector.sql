-- path: migrations/20150209202206_crates_downloads_index/up.sql
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    gh_login VARCHAR NOT NULL
);
CREATE TABLE crates (
    id SERIAL PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    downloads INTEGER NOT NULL DEFAULT 0,
    description VARCHAR,
    textsearchable_index_col tsvector NOT NULL,
    search_weights tsvector
);
-- migration
CREATE INDEX index_crates_downloads ON crates (downloads);
