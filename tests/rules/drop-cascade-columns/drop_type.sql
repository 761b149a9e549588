-- pgfence-test: schema=shop.schema
-- "Clean up the old enum": CASCADE silently drops users.mood and reviews.author_mood with their data.
SET lock_timeout = '2s';
DROP TYPE mood CASCADE;
