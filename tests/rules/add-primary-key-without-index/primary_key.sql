ALTER TABLE users ADD PRIMARY KEY (id);
ALTER TABLE app.line_items ADD CONSTRAINT line_items_pk PRIMARY KEY (order_id, "Line");
