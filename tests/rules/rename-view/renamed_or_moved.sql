-- Views earlier migrations made, renamed or moved: their readers lose them.
ALTER VIEW active_users RENAME TO active_users_v1;
CREATE SCHEMA archive;
ALTER VIEW public.recent_orders SET SCHEMA archive;
ALTER MATERIALIZED VIEW daily_totals RENAME TO daily_totals_old;
ALTER VIEW active_orders RENAME COLUMN total TO amount;
