;uALTER TABLE activity ADD COLUMN paid boolean DEFAULT random() > 0.5, DROP COLUMN old;
