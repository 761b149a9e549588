SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE app."Orders" ALTER "UserId" SET NOT NULL;
