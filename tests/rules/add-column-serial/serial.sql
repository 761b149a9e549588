ALTER TABLE users ADD COLUMN seq bigserial;
ALTER TABLE app.events ADD COLUMN n serial PRIMARY KEY;
