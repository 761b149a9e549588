TRUNCATE users, carts RESTRICT;
