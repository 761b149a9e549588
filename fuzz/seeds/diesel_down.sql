9w-- This file should undo anything in `up.sql`
