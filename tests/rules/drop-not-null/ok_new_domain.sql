-- A domain created in the same migration: no column of it holds rows yet. SET NOT NULL is
-- another rule's (add-domain-constraint).
CREATE DOMAIN fresh AS int NOT NULL;
ALTER DOMAIN fresh DROP NOT NULL;
