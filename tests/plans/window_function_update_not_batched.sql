-- path: db/migrations/0071_tasks_position.sql
CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint NOT NULL, title text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
-- migration
ALTER TABLE tasks ADD COLUMN position integer;
UPDATE tasks SET position = ranked.rn
  FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY created_at, id) AS rn FROM tasks) AS ranked
 WHERE tasks.id = ranked.id;
