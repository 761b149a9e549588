SET lock_timeout = '2s';
CREATE INDEX users_email_idx ON users (email);
CREATE UNIQUE INDEX IF NOT EXISTS "Orders_Ref" ON public.orders USING btree (lower(ref)) WHERE deleted_at IS NULL;
