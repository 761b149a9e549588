SET lock_timeout = '2s';
-- A quoted name with spaces: no word is long, the name is.
ALTER TABLE orders RENAME COLUMN note TO "Customer note as typed on the checkout page before the 2024 redesign";
-- A quoted name made long by doubled quotes, each standing for one.
ALTER TABLE orders RENAME COLUMN memo TO "a""b""c""d""e""f""g""h""i""j""k""l""m""n""o""p""q""r""s""t""u""v""w""x""y""z""A""B""C""D""E""F""G";
ALTER TABLE orders RENAME COLUMN memo2 TO "short ""quoted"" name";
