ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
ALTER TYPE app."Status" RENAME VALUE 'it''s' TO 'done';
