SET lock_timeout = '2s';
ALTER VIEW v_things SET (check_option = local);
ALTER VIEW v_orders RESET (check_option);
ALTER VIEW v_users SET (security_barrier = false), SET (security_barrier);
ALTER VIEW v_docs RESET (security_barrier);
