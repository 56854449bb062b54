-- case_mix_cell_match: the condition that `cells` (a row of case_mix_cells) is the case-mix cell
-- of `c` (a case or a review with its case's columns): every key compared with nulls as values
-- of their own. Shared by both joins of sql/marts/vendor_mix_adjusted.sql. Parameters: none.
cells.priority is not distinct from c.priority
and cells.abuse_category is not distinct from c.abuse_category
and cells.source is not distinct from c.source
and cells.market is not distinct from c.market
and cells.language is not distinct from c.language
