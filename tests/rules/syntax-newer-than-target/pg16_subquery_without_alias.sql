INSERT INTO daily_totals (day, total)
SELECT day, sum(amount) FROM (SELECT created_at::date AS day, amount FROM payments);
