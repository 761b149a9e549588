-- path: make/migrations/postgresql/0005_1.8.2_schema.up.sql
CREATE TABLE user_group (id SERIAL PRIMARY KEY NOT NULL, group_name varchar(255) NOT NULL, group_type smallint DEFAULT 0);
-- migration
/*
Rename the duplicate names before adding "UNIQUE" constraint
*/
DO $$
BEGIN
    WHILE EXISTS (SELECT count(*) FROM user_group GROUP BY group_name HAVING count(*) > 1) LOOP
        UPDATE user_group AS r
        SET group_name = r.group_name || '_' || v.seq
        FROM (SELECT id, row_number() OVER (PARTITION BY group_name ORDER BY id) AS seq FROM user_group) AS v
        WHERE r.id = v.id AND v.seq > 1;
    END LOOP;
END $$;

ALTER TABLE user_group ADD CONSTRAINT unique_group_name UNIQUE (group_name);
