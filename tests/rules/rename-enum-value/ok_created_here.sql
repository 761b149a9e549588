CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
ALTER TYPE mood ADD VALUE 'happy';
