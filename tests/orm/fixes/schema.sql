-- The schema every case under tests/orm/fixes starts from (tests/unit/orm_fixes_test.cpp).
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN rating AS integer;

-- TypeORM's usual names
CREATE TABLE "user" (id bigint PRIMARY KEY, email character varying, name character varying, mood mood);
CREATE TABLE "post" (id bigint PRIMARY KEY, "userId" bigint, title character varying, score integer);
CREATE INDEX "IDX_user_name" ON "user" (name);
CREATE INDEX "IDX_post_title" ON "post" (title);

-- Knex's, Sequelize's and db-migrate's
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, mood mood);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint, title text, score integer, rating rating);
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX posts_title_idx ON posts (title);

CREATE TABLE events (id bigint NOT NULL, happened_on date NOT NULL) PARTITION BY RANGE (happened_on);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE "comment" (id bigint PRIMARY KEY, "postId" bigint, body text);
ALTER TABLE "post" ADD CONSTRAINT "CHK_post_score" CHECK (score >= 0) NOT VALID;
ALTER TABLE posts ADD CONSTRAINT posts_score_check CHECK (score >= 0) NOT VALID;
