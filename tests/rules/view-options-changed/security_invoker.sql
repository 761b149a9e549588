SET lock_timeout = '2s';
ALTER VIEW v_things SET (security_invoker = true);
ALTER VIEW IF EXISTS public.v_orders SET (security_invoker);
ALTER TABLE v_users RESET (security_invoker);
ALTER VIEW v_docs SET (security_invoker = off);
