-- pgfence-test: schema=vault.schema path=migrations/2020-08-02-025025_add_favorites_table/up.sql
-- vaultwarden's favorites (diesel: the file is one transaction). The copy keeps only favourite
-- ciphers, but no index of ciphers serves `favorite = true`: the INSERT reads every row of
-- ciphers while the ALTER TABLE's ACCESS EXCLUSIVE on users stays held.
ALTER TABLE users ADD COLUMN api_key text;
CREATE TABLE favorites (
  user_uuid text NOT NULL REFERENCES users (uuid),
  cipher_uuid text NOT NULL REFERENCES ciphers (uuid),
  PRIMARY KEY (user_uuid, cipher_uuid)
);
INSERT INTO favorites (user_uuid, cipher_uuid)
SELECT user_uuid, uuid FROM ciphers WHERE favorite = true AND user_uuid IS NOT NULL;
