-- path: migrations/20250904133000_add_oauth_client_id_to_session.up.sql
CREATE TABLE oauth_clients (id uuid PRIMARY KEY, client_name text);
CREATE TABLE sessions (id uuid PRIMARY KEY, user_id uuid, created_at timestamptz);
-- migration
alter table if exists sessions
  add column if not exists oauth_client_id uuid;

alter table sessions
  add constraint sessions_oauth_client_id_fkey foreign key (oauth_client_id)
  references oauth_clients(id) on delete cascade not valid;

alter table sessions
  validate constraint sessions_oauth_client_id_fkey;

create index if not exists sessions_oauth_client_id_idx on sessions (oauth_client_id);
