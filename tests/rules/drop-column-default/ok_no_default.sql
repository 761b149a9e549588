-- pgfence-test: schema=app.schema
-- DROP DEFAULT on columns the migrations show with no default (Sequelize's changeColumn sends it
-- for every column it changes without a defaultValue): nothing changes for any INSERT.
SET lock_timeout = '2s';
ALTER TABLE uploads ALTER COLUMN url DROP DEFAULT;
ALTER TABLE uploads ALTER COLUMN note DROP DEFAULT;
ALTER TABLE uploads ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE upload_copies ALTER COLUMN owner DROP DEFAULT;
ALTER TABLE uploads ALTER COLUMN url TYPE varchar(500), ALTER COLUMN url SET NOT NULL, ALTER COLUMN url DROP DEFAULT;
