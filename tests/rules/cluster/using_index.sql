SET lock_timeout = '2s';
CLUSTER events USING events_created_at_idx;
CLUSTER app.orders;
