-- pgfence-test: schema=shop.schema
-- A WHERE that only joins the table to others reads every row, but writes only the rows with a
-- partner (a NULL or dangling key has none): backfill-in-migration reports it, not this rule
-- (opencollective's Comments joined to Expenses through a nullable ExpenseId).
-- Denormalise: copy each user's name onto their orders' status line.
UPDATE orders o SET status = u.name FROM users u WHERE u.id = o.user_id;
-- Number each user's orders: the subquery reads every order, so every order is written.
UPDATE orders SET total = ranked.rn FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS rn FROM orders) AS ranked WHERE orders.id = ranked.id;
