-- Bulk files are written a year at a time, paging by ocid within the year.
CREATE INDEX process_summaries_year ON process_summaries (year, ocid);
