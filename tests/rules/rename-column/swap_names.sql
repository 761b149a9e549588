-- The import wrote each store's longitude into latitude and the reverse: swap the names back.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE stores RENAME COLUMN latitude TO latitude_tmp;
ALTER TABLE stores RENAME COLUMN longitude TO latitude;
ALTER TABLE stores RENAME COLUMN latitude_tmp TO longitude;
COMMIT;
