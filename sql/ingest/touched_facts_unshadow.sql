-- Drop the temp view that hid fact_case_activity during the case search's re-insert
-- (touched_facts_shadow.sql). Parameters: none.
drop view temp.main.fact_case_activity
