-- The UNIQUE constraint's index leads with user_id.
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE user_profiles (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    locale text NOT NULL,
    UNIQUE (user_id, locale)
);
