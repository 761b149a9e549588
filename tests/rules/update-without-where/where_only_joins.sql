-- pgfence-test: schema=shop.schema
-- Denormalise: copy each user's name onto their orders' status line.
UPDATE orders o SET status = u.name FROM users u WHERE u.id = o.user_id;
-- Number each user's orders: the subquery reads every order, so every order is written.
UPDATE orders SET total = ranked.rn FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS rn FROM orders) AS ranked WHERE orders.id = ranked.id;
