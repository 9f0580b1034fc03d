"""Raw-SQL references: the same rows as each request, fetched through the DB-API driver (psycopg).

This is the physical limit the endpoint is compared with: the page's rows with the joins and
the related rows the response shows (parties, entities, sources), and nothing else: no
count, no serialization, no HTTP. Written in PostgreSQL's dialect; ``RawDatabase`` rewrites the
few differences for SQLite so the harness also runs there (at small sizes, in tests).
"""

import re

ACTION_COLUMNS = (
    "a.id, a.slug, a.caption, a.action_type, a.status, a.filed_on, a.filed_precision, a.resolved_on, "
    "a.resolved_precision, a.docket_number, au.slug, au.name, c.slug, c.title"
)
ACTION_SEARCH = (
    "(a.caption ILIKE %s OR a.docket_number ILIKE %s OR a.summary ILIKE %s OR EXISTS ("
    "SELECT 1 FROM timeline_actionparty p JOIN timeline_entity pe ON pe.id = p.entity_id "
    "WHERE p.action_id = a.id AND pe.name ILIKE %s))"
)
EVENT_COLUMNS = (
    "e.id, e.key, e.date, e.date_precision, e.event_type, e.title, e.description, e.claim_status, "
    "e.claimed_by_id, e.fact_field, c.slug, c.title"
)
YEAR_POSTGRES = "EXTRACT(YEAR FROM COALESCE(s.agreed_on, s.approved_on, a.resolved_on))"
YEAR_SQLITE = "CAST(strftime('%Y', COALESCE(s.agreed_on, s.approved_on, a.resolved_on)) AS INTEGER)"


class RawDatabase:
    """Runs SQL on a DB-API connection, bypassing the ORM entirely."""

    def __init__(self, raw_connection, vendor):
        self.raw = raw_connection
        self.vendor = vendor

    def query(self, sql, params=()):
        if self.vendor == "sqlite":
            sql = sql.replace(YEAR_POSTGRES, YEAR_SQLITE).replace(" ILIKE ", " LIKE ").replace("TRUE", "1")
            sql = re.sub(r"%s", "?", sql)
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, list(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def related(self, sql, ids):
        """Rows for the ids of a page (``IN`` list), the way a prefetch reads them."""
        if not ids:
            return []
        return self.query(sql.replace("(%s)", "(" + ", ".join(["%s"] * len(ids)) + ")"), ids)


def actions_page(db, where, params, limit):
    rows = db.query(
        f"SELECT {ACTION_COLUMNS} FROM timeline_enforcementaction a "
        "JOIN timeline_entity au ON au.id = a.authority_id JOIN timeline_case c ON c.id = a.case_id "
        f"WHERE {where} ORDER BY a.filed_on DESC, a.caption, a.id DESC LIMIT {int(limit)}",
        params,
    )
    db.related(
        "SELECT p.action_id, e.slug, e.name, e.kind, p.role FROM timeline_actionparty p "
        "JOIN timeline_entity e ON e.id = p.entity_id WHERE p.action_id IN (%s) ORDER BY p.action_id, p.role, e.name",
        [row[0] for row in rows],
    )
    return [row[1] for row in rows]


def action_detail(db, action_id):
    rows = db.query(
        f"SELECT {ACTION_COLUMNS}, a.summary, co.slug, co.name, j.slug, j.name FROM timeline_enforcementaction a "
        "JOIN timeline_entity au ON au.id = a.authority_id JOIN timeline_case c ON c.id = a.case_id "
        "LEFT JOIN timeline_entity co ON co.id = a.court_id LEFT JOIN timeline_entity j ON j.id = a.judge_id "
        "WHERE a.id = %s",
        [action_id],
    )
    db.query(
        "SELECT e.slug, e.name, e.kind, p.role, p.note FROM timeline_actionparty p "
        "JOIN timeline_entity e ON e.id = p.entity_id WHERE p.action_id = %s ORDER BY p.role, e.name",
        [action_id],
    )
    db.query(
        "SELECT ch.number, ch.description, ch.counts, ch.disposition, ch.disposition_on, st.citation, cs.confirmed "
        "FROM timeline_charge ch LEFT JOIN timeline_chargestatute cs ON cs.charge_id = ch.id "
        "LEFT JOIN timeline_statute st ON st.id = cs.statute_id WHERE ch.action_id = %s ORDER BY ch.number",
        [action_id],
    )
    db.query(
        "SELECT s.slug, s.kind, s.title, s.agreed_on FROM timeline_settlement s WHERE s.action_id = %s",
        [action_id],
    )
    db.query(
        "SELECT d.slug, s.sentenced_on, s.custody_months FROM timeline_sentence s "
        "JOIN timeline_entity d ON d.id = s.defendant_id WHERE s.action_id = %s",
        [action_id],
    )
    db.query(
        "SELECT so.key, so.url, so.title, so.publisher FROM timeline_enforcementaction_sources x "
        "JOIN timeline_source so ON so.id = x.source_id WHERE x.enforcementaction_id = %s ORDER BY so.key",
        [action_id],
    )
    return [row[1] for row in rows]


def events_page(db, where, params, limit):
    rows = db.query(
        f"SELECT {EVENT_COLUMNS} FROM timeline_event e LEFT JOIN timeline_case c ON c.id = e.case_id "
        f"WHERE {where} ORDER BY e.date, e.id LIMIT {int(limit)}",
        params,
    )
    ids = [row[0] for row in rows]
    db.related(
        "SELECT ee.event_id, en.slug, en.name, en.kind FROM timeline_event_entities ee "
        "JOIN timeline_entity en ON en.id = ee.entity_id WHERE ee.event_id IN (%s)",
        ids,
    )
    db.related(
        "SELECT es.event_id, so.key, so.url, so.title FROM timeline_event_sources es "
        "JOIN timeline_source so ON so.id = es.source_id WHERE es.event_id IN (%s)",
        ids,
    )
    return [row[1] for row in rows]


def penalty_totals(db, group_by):
    """Gross/suspended per group and currency, then credits per group and currency (two grouped scans)."""
    key, label = ("au.slug", "au.name") if group_by == "authority" else (YEAR_POSTGRES, YEAR_POSTGRES)
    joins = (
        "JOIN timeline_settlement s ON s.id = sc.settlement_id "
        "JOIN timeline_enforcementaction a ON a.id = s.action_id JOIN timeline_entity au ON au.id = a.authority_id "
    )
    totals = db.query(
        f"SELECT {key}, {label}, sc.currency, SUM(sc.amount), SUM(sc.suspended_amount), COUNT(*) "
        f"FROM timeline_settlementcomponent sc {joins} WHERE sc.part_of_id IS NULL "
        f"GROUP BY {key}, {label}, sc.currency"
    )
    db.query(
        f"SELECT {key}, cr.currency, SUM(cr.amount) FROM timeline_credit cr "
        f"JOIN timeline_settlementcomponent sc ON sc.id = cr.component_id {joins} "
        f"WHERE sc.part_of_id IS NULL GROUP BY {key}, cr.currency"
    )
    return sorted((str(row[0]), row[2]) for row in totals)


def admin_actions_page(db, word):
    pattern = f"%{word}%"
    rows = db.query(
        f"SELECT {ACTION_COLUMNS} FROM timeline_enforcementaction a "
        "JOIN timeline_entity au ON au.id = a.authority_id JOIN timeline_case c ON c.id = a.case_id "
        "WHERE a.status = %s AND (a.caption ILIKE %s OR a.slug ILIKE %s OR a.docket_number ILIKE %s "
        "OR au.name ILIKE %s OR EXISTS (SELECT 1 FROM timeline_actionparty p "
        "JOIN timeline_entity pe ON pe.id = p.entity_id LEFT JOIN timeline_entityalias al ON al.entity_id = pe.id "
        "WHERE p.action_id = a.id AND (pe.name ILIKE %s OR al.alias ILIKE %s))) "
        "ORDER BY a.filed_on DESC, a.caption, a.id DESC LIMIT 100",
        ["settled", *[pattern] * 6],
    )
    return [row[1] for row in rows]


def admin_events_page(db, word):
    pattern = f"%{word}%"
    rows = db.query(
        f"SELECT {EVENT_COLUMNS}, (SELECT COUNT(*) FROM timeline_event_sources es WHERE es.event_id = e.id) "
        "FROM timeline_event e LEFT JOIN timeline_case c ON c.id = e.case_id "
        "WHERE e.event_type = %s AND (e.title ILIKE %s OR e.description ILIKE %s OR e.key ILIKE %s "
        "OR EXISTS (SELECT 1 FROM timeline_event_entities ee JOIN timeline_entity en ON en.id = ee.entity_id "
        "LEFT JOIN timeline_entityalias al ON al.entity_id = en.id "
        "WHERE ee.event_id = e.id AND (en.name ILIKE %s OR al.alias ILIKE %s))) "
        "ORDER BY e.date DESC, e.id DESC LIMIT 100",
        ["filing", *[pattern] * 5],
    )
    return [row[1] for row in rows]
