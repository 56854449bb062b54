-- case_search_rows: the rows of case_search (sql/derived/80_case_search.sql says why): the
-- case table's row of every case (fact_case_activity's created row, SLA columns resolved) with
-- its summary and the hash of its text (summary and language). Shared by the from-scratch build
-- and an ingest's re-insert of the cases it touched (sql/ingest/case_search_insert_touched.sql).
-- Parameters: none.
with

facts as (
    select
        case_id, created_at, created_date, market, language, abuse_category, source, priority,
        status, queue, vendor, outcome, sla_due_effective_at, is_sla_met_effective, sla_basis,
        first_response_s, resolution_s, is_appealed, appeal_outcome
    from fact_case_activity
    where activity = 'created'
),

summaries as (select case_id, summary from main.cases),

final as (
    select facts.*, summaries.summary, hash(summaries.summary, facts.language) as text_hash
    from facts
    join summaries using (case_id)
)

select * from final
