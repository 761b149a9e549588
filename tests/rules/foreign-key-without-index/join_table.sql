-- A join table whose primary key serves post_id but not tag_id.
CREATE TABLE posts (id bigint PRIMARY KEY);
CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE post_tags (
    post_id bigint NOT NULL,
    tag_id bigint NOT NULL,
    PRIMARY KEY (post_id, tag_id)
);
ALTER TABLE post_tags ADD CONSTRAINT post_tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id);
ALTER TABLE post_tags ADD CONSTRAINT post_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tags (id);
