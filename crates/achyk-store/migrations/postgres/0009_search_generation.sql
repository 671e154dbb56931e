-- The in-memory search index of `achyk serve` reloads only what changed: each transaction
-- that writes summaries takes the next generation, and each summary row keeps the generation
-- that wrote it. Generations commit in order (the counter's row is locked until commit).
CREATE TABLE search_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO search_generation (id, generation) VALUES (1, 1);
ALTER TABLE process_summaries ADD COLUMN generation BIGINT NOT NULL DEFAULT 1;
CREATE INDEX process_summaries_generation ON process_summaries (generation);
