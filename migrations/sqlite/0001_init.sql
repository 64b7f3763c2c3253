-- 0001: instance metadata. schema_migrations itself is created by the migration runner.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT INTO meta(key, value) VALUES ('schema', 'tongdai');
