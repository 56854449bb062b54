-- review_mix_changes: the review_case_mix rows of the touched cases' reviews as stored before
-- this ingest, with sign -1 (they leave their cells in case_mix_cells);
-- review_mix_changes_new.sql appends the new rows with sign +1. Parameters: none.
create or replace temp table review_mix_changes as
select -1 as sign, priority, abuse_category, source, market, language, handle_time_s
from review_case_mix
where case_id in (select case_id from touched_cases)
