-- path: migrations/20221215195500_modify_users_email_unique_index.up.sql
create table users (
    id uuid primary key,
    email varchar(255),
    created_at timestamptz,
    constraint users_email_key unique (email)
);
-- migration
-- SSO accounts may share an email with a password account: the unique key becomes partial.
alter table only users
  add column if not exists is_sso_user boolean not null default false;

comment on column users.is_sso_user is 'Set when the account comes from SSO; such accounts may repeat an email.';

do $$
begin
  alter table only users
    drop constraint if exists users_email_key;
exception
when SQLSTATE '2BP01' then
  raise notice 'users_email_key has dependent objects: drop it by hand';
end $$;

create unique index if not exists users_email_partial_key on users (email) where (is_sso_user = false);
