-- Ids are never handed out twice. PostgreSQL's identity columns never reuse a value, so nothing
-- changes here; the SQLite store rebuilds its tables with AUTOINCREMENT (the same migration there).
SELECT 1;
