;uDO $body$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    EXECUTE $q$CREATE TYPE mood AS ENUM ('sad', 'ok'); $q$;
  END IF;
END
$body$;
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS $$ SELECT a + b; $$;
SELECT $1, price$ FROM t;
