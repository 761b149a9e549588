-- path: migrations/2024-01-05-213000_community_aggregates_add_local_subscribers/up.sql
CREATE TABLE person (id serial PRIMARY KEY, local boolean NOT NULL DEFAULT true);
CREATE TABLE community (id serial PRIMARY KEY, local boolean NOT NULL DEFAULT true);
CREATE TABLE community_follower (community_id int NOT NULL REFERENCES community, person_id int NOT NULL REFERENCES person, PRIMARY KEY (community_id, person_id));
CREATE TABLE community_aggregates (community_id int PRIMARY KEY REFERENCES community, subscribers bigint NOT NULL DEFAULT 0);
CREATE FUNCTION community_aggregates_subscriber_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT') THEN
        UPDATE community_aggregates SET subscribers = subscribers + 1 WHERE community_id = NEW.community_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER community_aggregates_subscriber_count AFTER INSERT ON community_follower
    FOR EACH ROW EXECUTE FUNCTION community_aggregates_subscriber_count();
-- migration
ALTER TABLE community_aggregates ADD COLUMN subscribers_local bigint NOT NULL DEFAULT 0;

WITH follower_counts AS (
    SELECT community_id, count(*) AS local_sub_count
    FROM community_follower cf JOIN person p ON p.id = cf.person_id
    WHERE p.local = TRUE
    GROUP BY community_id)
UPDATE community_aggregates ca
SET subscribers_local = local_sub_count
FROM follower_counts
WHERE ca.community_id = follower_counts.community_id;

CREATE OR REPLACE FUNCTION community_aggregates_subscriber_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT') THEN
        UPDATE community_aggregates ca
        SET subscribers = subscribers + 1,
            subscribers_local = subscribers_local + person.local::int
        FROM person
        WHERE person.id = NEW.person_id AND ca.community_id = NEW.community_id;
    END IF;
    RETURN NULL;
END $$;
