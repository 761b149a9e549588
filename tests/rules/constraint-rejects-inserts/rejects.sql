-- pgfence-test: schema=shop.schema
-- Constraints no new row meets, NOT VALID or not (red team F1: C_CHKFALSE2, C_CHKFALSENV, C_FKEMPTY, C_DOMCHKFALSE, U_UNIQCONST2).
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_never CHECK (false) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_never2 CHECK (total < 0 AND total > 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_never3 CHECK (1 = 2 OR 'f'::bool) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_never4 CHECK (total >= 10 AND 5 > total) NOT VALID;
CREATE TABLE blocked (id bigint PRIMARY KEY);
ALTER TABLE orders ADD CONSTRAINT orders_blocked FOREIGN KEY (user_id) REFERENCES blocked (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_blocked2 FOREIGN KEY (user_id) REFERENCES blocked (id);
ALTER DOMAIN posint ADD CONSTRAINT posint_never CHECK (false) NOT VALID;
CREATE UNIQUE INDEX CONCURRENTLY orders_one_more ON orders ((1)) WHERE id > 2;
CREATE UNIQUE INDEX CONCURRENTLY users_one ON users ((1 + 1), (true));
ALTER TABLE users ADD COLUMN flag int CHECK (1 = 0);
