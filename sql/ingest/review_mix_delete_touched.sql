-- Remove the review_case_mix rows of the touched cases' reviews (review_mix_insert_touched.sql
-- adds them again with their cases' new cells). Parameters: none.
delete from review_case_mix
where case_id in (select case_id from touched_cases)
