"""Who may do what: anonymous, viewer, editor, admin and superuser on every API endpoint and method
and on every admin page, one table, one parametrized test.

The roles are the real groups made after every migrate (timeline.services.roles). Role users
are staff, as the compliance team's accounts are, so the admin answers by permission rather than
by refusing non-staff. Writes to an existing record send If-Match with the ETag of a GET first,
as a client must.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import get_resolver, reverse
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.test import APIClient

from tests import factories
from tests.write_payloads import RESOURCES, build_world, module_transaction, row_counts, send
from timeline.notify.models import SavedSearch, WebhookDelivery, WebhookSubscription
from timeline.notify.tasks import schedule_run

ROLES = ("anonymous", "viewer", "editor", "admin", "superuser")

# --- The table ----------------------------------------------------------------------------------------
# API operations on a record resource, and the status each role gets.
WRITE = {"anonymous": 401, "viewer": 403}
RECORD_OPERATIONS = {
    "list": {},  # everyone: 200
    "detail": {},
    "post": {**WRITE, "editor": 201, "admin": 201, "superuser": 201},
    "put": WRITE,
    "patch": WRITE,
    "delete": {**WRITE, "editor": 204, "admin": 204, "superuser": 204},
    # The audit trail names the staff who made each change: signed-in users only.
    "history": {"anonymous": 401},
    "history-post": {"anonymous": 401, "viewer": 405, "editor": 405, "admin": 405, "superuser": 405},
}
# Read-only endpoints: everyone reads, nobody writes (405 before any permission check).
READ_ONLY_ENDPOINTS = {
    "entity-timeline": ("api:entity-timeline", {"slug": "w-company"}),
    "case-timeline": ("api:case-timeline", {"slug": "w-case"}),
    "stats-penalties": ("api:stats-penalties", {}),
}
READ_ONLY_OPERATIONS = {"get": {}, "post": dict.fromkeys(ROLES, 405), "delete": dict.fromkeys(ROLES, 405)}
DOCUMENTS = {"api-root": "api:api-root", "schema": "api:schema", "docs": "api:docs"}
# Webhooks and saved searches: every signed-in user manages their own (the role does not matter);
# deadlines are read by anyone.
SIGNED_IN = {"anonymous": 401}
NOTIFY_OPERATIONS = {
    ("webhook-list", "get"): SIGNED_IN,
    ("webhook-list", "post"): {**SIGNED_IN, **dict.fromkeys(ROLES[1:], 201)},
    ("webhook-detail", "get"): SIGNED_IN,
    ("webhook-detail", "patch"): SIGNED_IN,
    ("webhook-detail", "delete"): {**SIGNED_IN, **dict.fromkeys(ROLES[1:], 204)},
    ("webhook-test", "post"): {**SIGNED_IN, **dict.fromkeys(ROLES[1:], 202)},
    ("webhook-deliveries", "get"): SIGNED_IN,
    ("saved-search-list", "get"): SIGNED_IN,
    ("saved-search-list", "post"): {**SIGNED_IN, **dict.fromkeys(ROLES[1:], 201)},
    ("saved-search-detail", "get"): SIGNED_IN,
    ("saved-search-detail", "patch"): SIGNED_IN,
    ("saved-search-detail", "delete"): {**SIGNED_IN, **dict.fromkeys(ROLES[1:], 204)},
    ("deadline-list", "get"): {},
    ("deadline-list", "post"): dict.fromkeys(ROLES, 405),
}

# Admin pages: timeline models are for viewers (read), editors and admins (write); accounts for admins.
ADMIN_PAGES = ("changelist", "add", "change", "delete", "history")
ANONYMOUS_ADMIN = dict.fromkeys(ADMIN_PAGES, 302)  # to the login page
TIMELINE_ADMIN = {
    "anonymous": ANONYMOUS_ADMIN,
    "viewer": {"changelist": 200, "add": 403, "change": 200, "delete": 403, "history": 200},
    "editor": dict.fromkeys(ADMIN_PAGES, 200),
    "admin": dict.fromkeys(ADMIN_PAGES, 200),
    "superuser": dict.fromkeys(ADMIN_PAGES, 200),
}
ACCOUNT_ADMIN = {
    "anonymous": ANONYMOUS_ADMIN,
    "viewer": dict.fromkeys(ADMIN_PAGES, 403),
    "editor": dict.fromkeys(ADMIN_PAGES, 403),
    "admin": dict.fromkeys(ADMIN_PAGES, 200),
    "superuser": dict.fromkeys(ADMIN_PAGES, 200),
}
ADMIN_INDEX = {"anonymous": 302, "viewer": 200, "editor": 200, "admin": 200, "superuser": 200}
# The field each resource's PATCH changes.
PATCHED_FIELD = {
    "entity": "name",
    "case": "title",
    "action": "caption",
    "settlement": "title",
    "sentence": "note",
    "pardon-request": "summary",
    "source": "title",
    "event": "title",
}


# The deadlines page: anyone who may view the timeline records.
DEADLINES_PAGE = {"anonymous": 302, "viewer": 200, "editor": 200, "admin": 200, "superuser": 200}
# Logs nobody writes by hand: the delivery log and the task queue.
READ_ONLY_ADMINS = {
    ("timeline_notify", "webhookdelivery"): {"add": 403},
    ("django_tasks_database", "dbtaskresult"): {"add": 403, "delete": 403},
}


def admin_expected(model, role, page):
    table = TIMELINE_ADMIN if model._meta.app_label == "timeline" else ACCOUNT_ADMIN
    expected = table[role][page]
    if expected == 200:
        expected = READ_ONLY_ADMINS.get((model._meta.app_label, model._meta.model_name), {}).get(page, expected)
    return expected


def cells():
    """Every (row, role) of the matrix with its expected status, as pytest params with readable ids."""
    for resource in RESOURCES:
        for operation, expected in RECORD_OPERATIONS.items():
            for role in ROLES:
                yield pytest.param(
                    ("api", resource.name, operation),
                    role,
                    expected.get(role, 200),
                    id=f"api-{resource.name}-{operation}-{role}",
                )
    for name in READ_ONLY_ENDPOINTS:
        for operation, expected in READ_ONLY_OPERATIONS.items():
            for role in ROLES:
                yield pytest.param(
                    ("read-only", name, operation), role, expected.get(role, 200), id=f"api-{name}-{operation}-{role}"
                )
    for name in DOCUMENTS:
        for role in ROLES:
            yield pytest.param(("document", name, "get"), role, 200, id=f"api-{name}-get-{role}")
    for (name, method), expected in NOTIFY_OPERATIONS.items():
        for role in ROLES:
            yield pytest.param(
                ("notify", name, method), role, expected.get(role, 200), id=f"api-{name}-{method}-{role}"
            )
    for role in ROLES:
        yield pytest.param(("admin-index", None, None), role, ADMIN_INDEX[role], id=f"admin-index-{role}")
        yield pytest.param(("admin-deadlines", None, None), role, DEADLINES_PAGE[role], id=f"admin-deadlines-{role}")
    for model in admin.site._registry:
        for page in ADMIN_PAGES:
            for role in ROLES:
                yield pytest.param(
                    ("admin", model, page),
                    role,
                    admin_expected(model, role, page),
                    id=f"admin-{model._meta.app_label}.{model._meta.model_name}-{page}-{role}",
                )


# --- The people and the records -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world of write_payloads, one relationship more, and one API and one admin client per role."""
    with module_transaction(django_db_blocker), django_db_blocker.unblock():
        world = build_world()
        factories.EntityRelationshipFactory(subject=factories.PersonFactory(slug="w-officer"))
        users = {
            "viewer": factories.StaffUserFactory(username="matrix-viewer"),
            "editor": factories.StaffUserFactory(username="matrix-editor"),
            "admin": factories.StaffUserFactory(username="matrix-admin"),
            "superuser": factories.SuperUserFactory(username="matrix-superuser"),
        }
        for role in ("viewer", "editor", "admin"):
            users[role].groups.add(Group.objects.get(name=role))
        api_clients, admin_clients = {"anonymous": APIClient()}, {"anonymous": Client()}
        for role, user in users.items():
            api_clients[role] = APIClient()
            api_clients[role].credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
            admin_clients[role] = Client()
            admin_clients[role].force_login(user)
        notify = {role: notify_records(user) for role, user in users.items()}
        schedule_run.enqueue()
        yield {"world": world, "api": api_clients, "admin": admin_clients, "users": users, "notify": notify}


def notify_records(user):
    """A webhook with one delivery and a saved search of the user's own."""
    user.email = f"{user.username}@example.org"
    user.save()
    webhook = WebhookSubscription.objects.create(
        user=user, url="http://127.0.0.1:9/hook", kind="deadline", window_days=30
    )
    WebhookDelivery.objects.create(subscription=webhook, event_type="webhook.test", dedupe_key="test", payload={})
    search = SavedSearch.objects.create(user=user, name="plea", kind="filters", query={"event_type": "plea"})
    return {"webhook": webhook.pk, "saved-search": search.pk}


NOTIFY_BODIES = {
    ("webhook-list", "post"): {"url": "http://127.0.0.1:9/other", "kind": "case", "case": "w-case"},
    ("webhook-detail", "patch"): {"enabled": False},
    ("saved-search-list", "post"): {"name": "text", "kind": "text", "query": {"q": "fine"}},
    ("saved-search-detail", "patch"): {"rate": "wly"},
}


def call_notify(client, name, method, records):
    kwargs = {}
    if name.startswith("webhook-") and name != "webhook-list":
        kwargs = {"pk": records["webhook"]}
    elif name == "saved-search-detail":
        kwargs = {"pk": records["saved-search"]}
    return getattr(client, method)(
        reverse(f"api:{name}", kwargs=kwargs), NOTIFY_BODIES.get((name, method)), format="json"
    )


def notify_row_counts():
    return [model.objects.count() for model in (WebhookSubscription, WebhookDelivery, SavedSearch)]


# --- Calling a cell -----------------------------------------------------------------------------------


def call_record(client, resource, operation, world):
    detail = resource.detail_url(world)
    if operation == "list":
        return client.get(resource.list_url())
    if operation == "detail":
        return client.get(detail)
    if operation == "history":
        return client.get(detail + "history/")
    if operation == "history-post":
        return client.post(detail + "history/", {}, format="json")
    if operation == "post":
        return send(client, "post", resource.list_url(), resource.body(world, "post"))
    if operation == "put":
        return send(client, "put", detail, resource.body(world, "put"))
    if operation == "patch":
        field = PATCHED_FIELD[resource.name]
        return send(client, "patch", detail, {field: f"{resource.name} {field}, revised"})
    return send(client, "delete", detail)


def admin_url(model, page, matrix):
    opts = model._meta
    if page in ("changelist", "add"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")
    if model is TokenProxy:
        obj = TokenProxy.objects.get(user=matrix["users"]["viewer"])
    elif model._meta.model_name == "user":
        obj = matrix["users"]["viewer"]
    else:
        obj = model._default_manager.order_by("pk").first()
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])


@pytest.mark.parametrize(("row", "role", "expected"), list(cells()))
def test_permission_matrix(row, role, expected, matrix, db):
    kind, name, operation = row
    world = matrix["world"]
    before = row_counts()
    if kind == "api":
        resource = next(resource for resource in RESOURCES if resource.name == name)
        response = call_record(matrix["api"][role], resource, operation, world)
    elif kind == "read-only":
        url_name, kwargs = READ_ONLY_ENDPOINTS[name]
        response = getattr(matrix["api"][role], operation)(reverse(url_name, kwargs=kwargs))
    elif kind == "document":
        response = matrix["api"][role].get(reverse(DOCUMENTS[name]))
    elif kind == "notify":
        before = notify_row_counts()
        records = matrix["notify"].get(role, matrix["notify"]["viewer"])
        response = call_notify(matrix["api"][role], name, operation, records)
        assert response.status_code == expected, response.content[:500]
        changed = notify_row_counts() != before
        assert changed == (expected in (201, 202, 204)), "a refused or read-only request changed the database"
        return
    elif kind == "admin-index":
        response = matrix["admin"][role].get(reverse("admin:index"))
    elif kind == "admin-deadlines":
        response = matrix["admin"][role].get(reverse("admin:timeline_notify_deadlines"))
    else:
        response = matrix["admin"][role].get(admin_url(name, operation, matrix))
    assert response.status_code == expected, response.content[:500]
    if expected == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    if expected >= 400 or kind != "api" or operation in ("list", "detail", "history"):
        assert row_counts() == before, "a refused (or read-only) request changed the database"
    else:
        assert row_counts() != before, "an accepted write left the database as it was"


def api_route_names(patterns, namespace=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from api_route_names(pattern.url_patterns, pattern.namespace or namespace)
        elif namespace == "api" and pattern.name:
            yield pattern.name


def test_matrix_covers_every_api_route():
    """A new endpoint must get its row in the table above (admin rows follow the admin's registry)."""
    covered = {f"{resource.name}-{suffix}" for resource in RESOURCES for suffix in ("list", "detail", "history")}
    covered |= set(READ_ONLY_ENDPOINTS) | set(DOCUMENTS) | {name for name, _ in NOTIFY_OPERATIONS}
    routes = set(api_route_names(get_resolver().url_patterns))
    assert routes - covered == set(), "routes without a row in the permission matrix"
