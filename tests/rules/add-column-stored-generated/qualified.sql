ALTER TABLE users ADD COLUMN best_price numeric GENERATED ALWAYS AS (LEAST(users.list_price, users.sale_price)) STORED;
ALTER TABLE app.items ADD COLUMN total numeric GENERATED ALWAYS AS (app.items.price * items."Qty") STORED;
ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', coalesce(users.name, '')) ||
    to_tsvector('simple', coalesce(users.email, ''))
) STORED;
