-- Ids are never handed out twice: a new user, server, group or job never takes the id of one
-- deleted before it (with a plain INTEGER PRIMARY KEY, SQLite gave a new row the largest id plus
-- one, so a user created after the newest one was deleted received its id, and with it the
-- deleted user's storage area). The store rebuilds each table named below from its own stored
-- definition as INTEGER PRIMARY KEY AUTOINCREMENT, keeping rows, indexes and triggers
-- (src/store/store.c, keep_ids).
-- tusk:autoincrement users server_groups servers jobs audit_log
SELECT 1;
