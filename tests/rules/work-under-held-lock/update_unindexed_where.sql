-- pgfence-test: schema=vault.schema path=migrations/2021-03-11-190243_cipher_reprompt/up.sql
-- A backfill of some rows under a held lock: no index of ciphers serves `data LIKE ...`, so the
-- UPDATE reads every row while users stays locked.
ALTER TABLE users ADD COLUMN reprompt_default integer;
UPDATE ciphers SET favorite = true WHERE data LIKE '%"favorite":true%';
