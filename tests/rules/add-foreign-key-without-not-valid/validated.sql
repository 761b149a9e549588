SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE "Line Items" ADD FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id) MATCH FULL DEFERRABLE INITIALLY DEFERRED;
