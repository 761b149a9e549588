-- path: migrations/2025-09-12-093537_mod-reason-mandatory/up.sql
CREATE TABLE admin_ban (
    id serial PRIMARY KEY,
    person_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE admin_block_instance (
    id serial PRIMARY KEY,
    instance_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE admin_purge_comment (
    id serial PRIMARY KEY,
    post_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE admin_purge_post (
    id serial PRIMARY KEY,
    community_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE mod_lock_post (
    id serial PRIMARY KEY,
    post_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE mod_remove_comment (
    id serial PRIMARY KEY,
    comment_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE mod_remove_post (
    id serial PRIMARY KEY,
    post_id int NOT NULL,
    reason text,
    published_at timestamptz NOT NULL DEFAULT now()
);
-- migration
-- provide default value for null rows
UPDATE
    admin_ban
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

UPDATE
    admin_block_instance
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

UPDATE
    admin_purge_comment
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

UPDATE
    admin_purge_post
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

UPDATE
    mod_lock_post
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

UPDATE
    mod_remove_comment
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

UPDATE
    mod_remove_post
SET
    reason = 'No reason given'
WHERE
    reason IS NULL;

-- set not null
ALTER TABLE admin_ban
    ALTER COLUMN reason SET NOT NULL;

ALTER TABLE admin_block_instance
    ALTER COLUMN reason SET NOT NULL;

ALTER TABLE admin_purge_comment
    ALTER COLUMN reason SET NOT NULL;

ALTER TABLE admin_purge_post
    ALTER COLUMN reason SET NOT NULL;

ALTER TABLE mod_lock_post
    ALTER COLUMN reason SET NOT NULL;

ALTER TABLE mod_remove_comment
    ALTER COLUMN reason SET NOT NULL;

ALTER TABLE mod_remove_post
    ALTER COLUMN reason SET NOT NULL;
