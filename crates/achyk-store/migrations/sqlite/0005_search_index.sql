-- An index of every three-character sequence of `process_summaries.search_text`, so that a
-- search (each word a `LIKE '%stem%'`) does not read every row. FTS5's trigram tokenizer
-- answers LIKE itself; triggers keep it in step with the summaries, in the same transaction.
CREATE VIRTUAL TABLE process_search USING fts5(
    search_text,
    content = 'process_summaries',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);

INSERT INTO process_search (rowid, search_text) SELECT rowid, search_text FROM process_summaries;

CREATE TRIGGER process_search_insert AFTER INSERT ON process_summaries BEGIN
    INSERT INTO process_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE TRIGGER process_search_delete AFTER DELETE ON process_summaries BEGIN
    INSERT INTO process_search (process_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
END;

CREATE TRIGGER process_search_update AFTER UPDATE OF search_text ON process_summaries BEGIN
    INSERT INTO process_search (process_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO process_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
