"""A mirror client of the change feed, as a developer keeping a copy of timeline would write one."""

import io
import json

from django.urls import reverse

from timeline.services.export import export_timeline


class Mirror:
    """Records by (model, id), kept in step by replaying ``/api/v1/changes/`` from its last token."""

    def __init__(self, client, page_size=7):
        self.client = client
        self.page_size = page_size
        self.records = {}
        self.token = ""
        self.pages = 0

    def catch_up(self):
        while True:
            response = self.client.get(reverse("api:changes"), {"since": self.token, "page_size": self.page_size})
            assert response.status_code == 200, response.content
            body = response.json()
            for change in body["changes"]:
                key = (change["model"], change["id"])
                if change["record"] is None:
                    self.records.pop(key, None)
                else:
                    self.records[key] = change["record"]
            self.token = body["next"]
            self.pages += 1
            if not body["has_more"]:
                return

    def canonical(self):
        return canonical(self.records.values())


def canonical(records):
    """Records as sorted JSON strings: equal when the two sets of records are equal."""
    return sorted(json.dumps(record, sort_keys=True, ensure_ascii=False) for record in records)


def exported():
    stream = io.StringIO()
    export_timeline(stream)
    return canonical(json.loads(stream.getvalue()))
