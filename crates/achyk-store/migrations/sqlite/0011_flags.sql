-- The results of the last red-flag run (`achyk flags`), replaced whole in one transaction.
--
-- `flag_results`: one row per flag raised: the group it is about (`ocid`, `buyer`,
-- `procuring_entity`, `tenderer`), the identifier within the group, the indicator code,
-- Cardinal's value and the facts that explain it as a JSON array.
CREATE TABLE flag_results (
    grp TEXT NOT NULL,
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    value REAL NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (grp, id, code)
);
CREATE INDEX flag_results_code ON flag_results (code, grp, id);

-- The risk score of each process (`ocid`), buyer and tenderer (see docs/indicators/risk-score.md).
CREATE TABLE risk_scores (
    grp TEXT NOT NULL,
    id TEXT NOT NULL,
    score REAL NOT NULL,
    flags INTEGER NOT NULL,
    PRIMARY KEY (grp, id)
);
CREATE INDEX risk_scores_rank ON risk_scores (grp, score DESC, id);

-- The run that produced the results above: one row, replaced with them.
CREATE TABLE flag_runs (
    run_at INTEGER NOT NULL,
    processes INTEGER NOT NULL,
    settings_digest TEXT NOT NULL
);
