-- atuin's create-events: user_id holds users' keys, yet is bigserial. It needs no sequence of
-- its own; the id column, the table's key, is the one an identity fits.
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    user_id bigserial NOT NULL,
    "hostId" serial
);
