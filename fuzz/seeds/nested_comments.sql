;w/* outer /* inner; still a comment */ and still; */
ALTER TABLE accounts -- trailing; comment
  ADD COLUMN balance numeric(12, 2) DEFAULT 0;
/* unterminated /* nested */ comment
