-- 0004: the full-text index is filled in the background, in batches (store_search_catch_up):
-- a commit per report that also flushed an FTS5 segment cost a third of the intake rate.
-- meta 'fts_indexed_id' is the highest case id indexed; every case so far was indexed at insert.
INSERT INTO meta(key, value)
    VALUES ('fts_indexed_id', CAST((SELECT coalesce(max(id), 0) FROM cases) AS TEXT));
