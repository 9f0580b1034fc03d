"""The stored, weighted search document of entities, cases, actions, events and sources (PostgreSQL).

Each of the five tables carries a ``search_document tsvector`` column with a GIN index, written by
the database itself so every path (ORM, bulk ``update()``, raw SQL, ``loaddata``, COPY) keeps it
current: a BEFORE trigger computes a row's document from its own columns and its related names,
and AFTER triggers on the related tables (aliases, identifiers, parties, an entity's name)
recompute the documents that quote them. Weights: A names, aliases, captions, titles and docket
numbers; B the names and aliases of the parties, identifiers and publishers; C descriptions,
summaries and notes. One text-search configuration (``english``) for documents and queries alike,
so stemming is the same on both sides.

The column is not a model field: no page reads it, and the ORM would otherwise select it with
every row. Queries reach it through ``timeline.selectors.search``. SQLite has no column; search
there matches text with ``icontains``. (The migration loader skips modules starting with "_".)
"""

from django.db import migrations

CONFIG = "english"
# table: (kind's document function, own columns the BEFORE trigger watches)
TABLES = {
    "timeline_entity": ("timeline_entity_document", ("name", "description")),
    "timeline_case": ("timeline_case_document", ("title", "summary", "headline_text")),
    "timeline_enforcementaction": ("timeline_action_document", ("caption", "docket_number", "summary")),
    "timeline_event": ("timeline_event_document", ("title", "description")),
    "timeline_source": ("timeline_source_document", ("title", "publisher", "note")),
}

FUNCTIONS_SQL = [
    # The one weighting every document shares.
    f"""
CREATE OR REPLACE FUNCTION timeline_search_weighted(a text, b text, c text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(a, '')), 'A')
        || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(b, '')), 'B')
        || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(c, '')), 'C')
$$""",
    # A docket number as written ("2:23-cr-00179", which a query of it matches) and as its parts
    # ("2 23 cr 00179"), so that "00179" alone finds it too.
    """
CREATE OR REPLACE FUNCTION timeline_docket_words(docket text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT docket || ' ' || regexp_replace(docket, '[^[:alnum:]]+', ' ', 'g')
$$""",
    # An entity's name and aliases: what a party's name contributes to an action or a case.
    """
CREATE OR REPLACE FUNCTION timeline_entity_names(entity bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT e.name || ' ' || coalesce((SELECT string_agg(a.alias, ' ') FROM timeline_entityalias a
                                      WHERE a.entity_id = e.id), '')
    FROM timeline_entity e WHERE e.id = entity
$$""",
    """
CREATE OR REPLACE FUNCTION timeline_entity_document(row_id bigint, name text, description text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT timeline_search_weighted(
        name || ' ' || coalesce((SELECT string_agg(a.alias, ' ') FROM timeline_entityalias a
                                 WHERE a.entity_id = row_id), ''),
        (SELECT string_agg(i.value, ' ') FROM timeline_entityidentifier i WHERE i.entity_id = row_id),
        description)
$$""",
    """
CREATE OR REPLACE FUNCTION timeline_action_document(row_id bigint, caption text, docket_number text, summary text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT timeline_search_weighted(
        caption || ' ' || timeline_docket_words(docket_number),
        (SELECT string_agg(timeline_entity_names(p.entity_id), ' ') FROM timeline_actionparty p
         WHERE p.action_id = row_id),
        summary)
$$""",
    """
CREATE OR REPLACE FUNCTION timeline_case_document(row_id bigint, title text, summary text, headline_text text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT timeline_search_weighted(
        title,
        (SELECT string_agg(timeline_entity_names(parties.entity_id), ' ') FROM (
            SELECT DISTINCT p.entity_id FROM timeline_actionparty p
            JOIN timeline_enforcementaction a ON a.id = p.action_id WHERE a.case_id = row_id) parties),
        summary || ' ' || headline_text)
$$""",
    """
CREATE OR REPLACE FUNCTION timeline_event_document(row_id bigint, title text, description text)
RETURNS tsvector LANGUAGE sql STABLE AS $$ SELECT timeline_search_weighted(title, NULL, description) $$""",
    """
CREATE OR REPLACE FUNCTION timeline_source_document(row_id bigint, title text, publisher text, note text)
RETURNS tsvector LANGUAGE sql STABLE AS $$ SELECT timeline_search_weighted(title, publisher, note) $$""",
    # Recompute the documents that quote a changed related row.
    """
CREATE OR REPLACE FUNCTION timeline_search_refresh(entities bigint[], actions bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE timeline_entity e SET search_document = timeline_entity_document(e.id, e.name, e.description)
    WHERE e.id = ANY(entities);
    UPDATE timeline_enforcementaction a
    SET search_document = timeline_action_document(a.id, a.caption, a.docket_number, a.summary)
    WHERE a.id = ANY(actions)
       OR a.id IN (SELECT p.action_id FROM timeline_actionparty p WHERE p.entity_id = ANY(entities));
    UPDATE timeline_case c SET search_document = timeline_case_document(c.id, c.title, c.summary, c.headline_text)
    WHERE c.id IN (SELECT a.case_id FROM timeline_enforcementaction a
                   WHERE a.id = ANY(actions)
                      OR a.id IN (SELECT p.action_id FROM timeline_actionparty p WHERE p.entity_id = ANY(entities)));
$$""",
    # A row's own document, before it is written.
    """
CREATE OR REPLACE FUNCTION timeline_search_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One IF per table: an expression naming another table's column fails to plan.
    IF TG_TABLE_NAME = 'timeline_entity' THEN
        NEW.search_document := timeline_entity_document(NEW.id, NEW.name, NEW.description);
    ELSIF TG_TABLE_NAME = 'timeline_case' THEN
        NEW.search_document := timeline_case_document(NEW.id, NEW.title, NEW.summary, NEW.headline_text);
    ELSIF TG_TABLE_NAME = 'timeline_enforcementaction' THEN
        NEW.search_document := timeline_action_document(NEW.id, NEW.caption, NEW.docket_number, NEW.summary);
    ELSIF TG_TABLE_NAME = 'timeline_event' THEN
        NEW.search_document := timeline_event_document(NEW.id, NEW.title, NEW.description);
    ELSE
        NEW.search_document := timeline_source_document(NEW.id, NEW.title, NEW.publisher, NEW.note);
    END IF;
    RETURN NEW;
END
$$""",
    # Related rows changed: aliases and identifiers (their entity), parties (their action and case),
    # an entity's name (every action and case it is party to), an action moved to another case.
    """
CREATE OR REPLACE FUNCTION timeline_search_related() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entities bigint[] := '{}';
    actions bigint[] := '{}';
BEGIN
    IF TG_TABLE_NAME IN ('timeline_entityalias', 'timeline_entityidentifier') THEN
        IF TG_OP <> 'INSERT' THEN entities := entities || OLD.entity_id; END IF;
        IF TG_OP <> 'DELETE' THEN entities := entities || NEW.entity_id; END IF;
    ELSIF TG_TABLE_NAME = 'timeline_actionparty' THEN
        IF TG_OP <> 'INSERT' THEN actions := actions || OLD.action_id; END IF;
        IF TG_OP <> 'DELETE' THEN actions := actions || NEW.action_id; END IF;
    ELSIF TG_TABLE_NAME = 'timeline_entity' THEN
        IF NEW.name IS NOT DISTINCT FROM OLD.name THEN RETURN NULL; END IF;
        entities := ARRAY[NEW.id];
    ELSIF TG_TABLE_NAME = 'timeline_enforcementaction' THEN
        IF NEW.case_id IS NOT DISTINCT FROM OLD.case_id THEN RETURN NULL; END IF;
        UPDATE timeline_case c SET search_document = timeline_case_document(c.id, c.title, c.summary, c.headline_text)
        WHERE c.id IN (OLD.case_id, NEW.case_id);
        RETURN NULL;
    END IF;
    PERFORM timeline_search_refresh(entities, actions);
    RETURN NULL;
END
$$""",
]

REBUILD_SQL = [
    # Every document at once, set-based (the synthetic generator's load, with triggers off).
    """
UPDATE timeline_entity e SET search_document = timeline_search_weighted(
    e.name || ' ' || coalesce(al.aliases, ''), ids.ids, e.description)
FROM timeline_entity e2
LEFT JOIN (SELECT entity_id, string_agg(alias, ' ') aliases FROM timeline_entityalias GROUP BY entity_id) al
    ON al.entity_id = e2.id
LEFT JOIN (SELECT entity_id, string_agg(value, ' ') ids FROM timeline_entityidentifier GROUP BY entity_id) ids
    ON ids.entity_id = e2.id
WHERE e2.id = e.id""",
    """
CREATE TEMPORARY TABLE timeline_search_names ON COMMIT DROP AS
SELECT e.id, e.name || ' ' || coalesce(string_agg(al.alias, ' '), '') AS names
FROM timeline_entity e LEFT JOIN timeline_entityalias al ON al.entity_id = e.id GROUP BY e.id""",
    """
UPDATE timeline_enforcementaction a SET search_document = timeline_search_weighted(
    a.caption || ' ' || timeline_docket_words(a.docket_number), parties.names, a.summary)
FROM timeline_enforcementaction a2
LEFT JOIN (SELECT p.action_id, string_agg(n.names, ' ') names FROM timeline_actionparty p
           JOIN timeline_search_names n ON n.id = p.entity_id GROUP BY p.action_id) parties
    ON parties.action_id = a2.id
WHERE a2.id = a.id""",
    """
UPDATE timeline_case c SET search_document = timeline_search_weighted(
    c.title, parties.names, c.summary || ' ' || c.headline_text)
FROM timeline_case c2
LEFT JOIN (SELECT distinct_parties.case_id, string_agg(n.names, ' ') names
           FROM (SELECT DISTINCT a.case_id, p.entity_id FROM timeline_actionparty p
                 JOIN timeline_enforcementaction a ON a.id = p.action_id) distinct_parties
           JOIN timeline_search_names n ON n.id = distinct_parties.entity_id
           GROUP BY distinct_parties.case_id) parties ON parties.case_id = c2.id
WHERE c2.id = c.id""",
    "DROP TABLE timeline_search_names",
]
# Documents made of a row's own columns only: the BEFORE trigger writes them even during a load with
# triggers off (ENABLE ALWAYS), so a load need not write those rows a second time.
OWN_ONLY_TABLES = ("timeline_event", "timeline_source")
OWN_REBUILD_SQL = [
    "UPDATE timeline_event SET search_document = timeline_search_weighted(title, NULL, description)",
    "UPDATE timeline_source SET search_document = timeline_search_weighted(title, publisher, note)",
]


def trigger_sql():
    statements = []
    for table, (_function, columns) in TABLES.items():
        statements.append(
            f"CREATE TRIGGER timeline_search_own BEFORE INSERT OR UPDATE OF {', '.join(columns)} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION timeline_search_own()"
        )
    statements += [f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER timeline_search_own" for table in OWN_ONLY_TABLES]
    for table in ("timeline_entityalias", "timeline_entityidentifier", "timeline_actionparty"):
        statements.append(
            f"CREATE TRIGGER timeline_search_related AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION timeline_search_related()"
        )
    statements += [
        "CREATE TRIGGER timeline_search_related AFTER UPDATE OF name ON timeline_entity "
        "FOR EACH ROW EXECUTE FUNCTION timeline_search_related()",
        "CREATE TRIGGER timeline_search_related AFTER UPDATE OF case_id ON timeline_enforcementaction "
        "FOR EACH ROW EXECUTE FUNCTION timeline_search_related()",
    ]
    return statements


def index_sql():
    # The GIN index each kind's text search reads (search selectors, list ``q=``, admin search).
    return [
        f"CREATE INDEX IF NOT EXISTS {table}_search ON {table} USING gin (search_document)" for table in TABLES
    ]


def search_documents_rebuild(cursor, own_too=True):
    """Write every search document from scratch (PostgreSQL); without ``own_too``, only those quoting
    related rows (entities, cases, actions), which a load with triggers off leaves unwritten."""
    for statement in REBUILD_SQL + (OWN_REBUILD_SQL if own_too else []):
        cursor.execute(statement)


def search_document_operation():
    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # Columns first: SQL function bodies are checked against the tables when created.
        columns = [f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_document tsvector" for table in TABLES]
        for statement in columns + FUNCTIONS_SQL + trigger_sql():
            schema_editor.execute(statement)
        # Indexes before the rows: the rows' updates queue data-version trigger events, after which
        # PostgreSQL refuses CREATE INDEX on the table in the same transaction.
        for statement in index_sql():
            schema_editor.execute(statement)
        with schema_editor.connection.cursor() as cursor:
            search_documents_rebuild(cursor)

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS timeline_search_own ON {table}")
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")
        for table in ("timeline_entityalias", "timeline_entityidentifier", "timeline_actionparty", "timeline_entity",
                      "timeline_enforcementaction"):  # fmt: skip
            schema_editor.execute(f"DROP TRIGGER IF EXISTS timeline_search_related ON {table}")
        for function in (
            "timeline_search_related()", "timeline_search_own()", "timeline_search_refresh(bigint[], bigint[])",
            "timeline_source_document(bigint, text, text, text)", "timeline_event_document(bigint, text, text)",
            "timeline_case_document(bigint, text, text, text)",
            "timeline_action_document(bigint, text, text, text)", "timeline_entity_document(bigint, text, text)",
            "timeline_entity_names(bigint)", "timeline_search_weighted(text, text, text)",
            "timeline_docket_words(text)",
        ):  # fmt: skip
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")

    return migrations.RunPython(create, drop, elidable=False)
