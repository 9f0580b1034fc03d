-- Trial indexes for the request mix (PostgreSQL). Applied and dropped by `python -m benchmarks.indexes`;
-- never by migrations: the ones that pay are proposed as model Meta.indexes. Each serves the query named.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- actions-list: ?authority=<slug>&status=<status>, newest first, and its pagination COUNT(*)
-- (equality on both columns, then the list order; the count becomes an index-only scan).
CREATE INDEX IF NOT EXISTS bench_action_authority_status_filed
    ON timeline_enforcementaction (authority_id, status, filed_on DESC, caption, id DESC);

-- events-list: ?type=<event_type> in the cursor order (date, id).
CREATE INDEX IF NOT EXISTS bench_event_type_date ON timeline_event (event_type, date, id);

-- search (?q= on actions, admin search): Django's icontains is UPPER(col) LIKE UPPER('%word%'),
-- so the trigram indexes are on UPPER(col).
CREATE INDEX IF NOT EXISTS bench_action_caption_trgm
    ON timeline_enforcementaction USING gin (UPPER(caption) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS bench_action_summary_trgm
    ON timeline_enforcementaction USING gin (UPPER(summary) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS bench_action_docket_trgm
    ON timeline_enforcementaction USING gin (UPPER(docket_number) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS bench_entity_name_trgm ON timeline_entity USING gin (UPPER(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS bench_event_title_trgm ON timeline_event USING gin (UPPER(title) gin_trgm_ops);

-- search, full-text alternative: one GIN over the English search vector of caption and summary
-- (a SearchVector expression index; a stored generated column would serve the same queries).
CREATE INDEX IF NOT EXISTS bench_action_fts
    ON timeline_enforcementaction USING gin (to_tsvector('english', caption || ' ' || summary));

-- entity-timeline: events of one entity, walked from the entity side.
CREATE INDEX IF NOT EXISTS bench_event_entities_entity_event ON timeline_event_entities (entity_id, event_id);

-- stats-authority / stats-year: the summary the stats endpoint should read instead of scanning every
-- component (kept current by the settlement services, or refreshed after writes).
CREATE MATERIALIZED VIEW IF NOT EXISTS bench_penalty_totals AS
SELECT a.authority_id,
       EXTRACT(YEAR FROM COALESCE(s.agreed_on, s.approved_on, a.resolved_on))::int AS year,
       sc.currency,
       SUM(sc.amount) AS gross,
       SUM(sc.suspended_amount) AS suspended,
       COALESCE(SUM(cr.credited), 0) AS credited,
       COUNT(*) AS components
FROM timeline_settlementcomponent sc
JOIN timeline_settlement s ON s.id = sc.settlement_id
JOIN timeline_enforcementaction a ON a.id = s.action_id
LEFT JOIN (SELECT component_id, SUM(amount) AS credited FROM timeline_credit GROUP BY component_id) cr
       ON cr.component_id = sc.id
WHERE sc.part_of_id IS NULL
GROUP BY 1, 2, 3;
