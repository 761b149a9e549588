CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    -- a non-key integer has room enough for counts and small enumerations
    quantity integer NOT NULL,
    tag_ids integer[],
    valid int
);
-- the parts of a composite key are not generated values
CREATE TABLE order_lines (
    order_ref bigint REFERENCES orders (id),
    position integer,
    PRIMARY KEY (order_ref, position)
);
ALTER TABLE payments ADD COLUMN order_id bigint;
ALTER TABLE payments ADD COLUMN retries integer;
