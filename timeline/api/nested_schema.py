"""How writes treat nested lists, stated once for the OpenAPI schema of every resource that has them."""

from drf_spectacular.utils import OpenApiExample

PATCH_MERGES = (
    "Merges. Top-level fields the body leaves out keep their value. Nested lists ({lists}) are merged with the "
    "stored items, matched by {identity}: a list the body leaves out is kept as stored, an item it does not "
    "name is kept, and a named item changes only in the fields it gives (its own nested lists left out are "
    'kept too). A new identity adds an item, which then needs every required field. `{{"_delete": true}}` '
    "beside the identity removes that stored item, and nothing else does; an empty list changes nothing. "
    "Value lists (`sources`, a credit's `against`) are fields: given, they replace the stored ones. "
    "All or nothing: any error is a 400 shaped like the body and nothing is saved."
)
PUT_REPLACES = (
    "Replaces the whole record. Every nested list ({lists}) is required, inside items too, and every item in "
    "full: an item missing a required field is a 400 naming it. Stored items the body leaves out are removed; "
    "`_delete` is refused here. Items are matched by {identity}, so unchanged ones keep their audit trail."
)


def nested_write_docs(lists, identity):
    """The descriptions of PATCH and PUT for a resource with the nested ``lists`` matched by ``identity``."""
    return PATCH_MERGES.format(lists=lists, identity=identity), PUT_REPLACES.format(lists=lists, identity=identity)


SETTLEMENT_LISTS = "`components` with their `parts` and `credits`, `monitors`, `restrictions`"
ACTION_LISTS = "`parties`, `charges` with their `statutes`"
PARDON_LISTS = "`history`"

SETTLEMENT_PATCH_EXAMPLES = [
    OpenApiExample(
        "Reword one component; its siblings, parts and credits stay",
        request_only=True,
        value={"components": [{"key": "binance-doj-criminal-fine", "description": "Criminal fine"}]},
    ),
    OpenApiExample(
        "Remove one credit and add a monitor",
        request_only=True,
        value={
            "components": [
                {"key": "binance-fincen-civil-money-penalty", "credits": [{"key": "example-credit", "_delete": True}]}
            ],
            "monitors": [{"key": "example-monitor", "term_months": 36, "sources": ["binance-b05"]}],
        },
    ),
]
ACTION_PATCH_EXAMPLES = [
    OpenApiExample(
        "Note one charge, remove another; the rest stay",
        request_only=True,
        value={
            "charges": [{"number": 2, "note": "Dismissed on the government's motion"}, {"number": 3, "_delete": True}]
        },
    ),
    OpenApiExample(
        "Remove a party",
        request_only=True,
        value={"parties": [{"entity": "changpeng-zhao", "role": "defendant", "_delete": True}]},
    ),
]
PARDON_PATCH_EXAMPLES = [
    OpenApiExample(
        "Reword one step of the history",
        request_only=True,
        value={"history": [{"key": "example-step", "description": "Reported by two newspapers."}]},
    ),
]
