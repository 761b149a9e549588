-- Rails: create_table :comments with t.references :post, foreign_key: true, index: false
CREATE TABLE posts (id bigserial PRIMARY KEY, title text NOT NULL);
CREATE TABLE comments (
    id bigserial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
