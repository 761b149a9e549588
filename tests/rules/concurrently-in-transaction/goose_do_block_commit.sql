-- +goose Up
-- A batched backfill that commits after each batch: inside goose's transaction its COMMIT fails
-- ("invalid transaction termination").
-- +goose StatementBegin
DO $$
DECLARE last_id bigint := 0;
BEGIN
  LOOP
    UPDATE accounts SET plan = 'free' WHERE id IN (SELECT id FROM accounts WHERE id > last_id ORDER BY id LIMIT 1000);
    EXIT WHEN NOT FOUND;
    last_id := last_id + 1000;
    COMMIT;
  END LOOP;
END $$;
-- +goose StatementEnd
