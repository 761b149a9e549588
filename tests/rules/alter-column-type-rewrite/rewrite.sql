ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint;
ALTER TABLE app.orders ALTER COLUMN total TYPE numeric(12,2) USING round(total * 100) / 100;
