-- The buyer's Kyrgyz name beside its Russian one, so that lists in Kyrgyz show it. Rows written
-- before this migration have none until their process is recomputed (`achyk normalise`);
-- pages fall back to the Russian name.
ALTER TABLE process_summaries ADD COLUMN buyer_name_ky TEXT;
