"""Screening a list in the admin: upload, progress, results, decisions shown on the next screening, XLSX."""

import io
import logging

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.factories import StaffUserFactory
from timeline.screening.models import ScreeningDecision, ScreeningList, ScreeningRow

pytestmark = pytest.mark.django_db

ADD = "admin:timeline_screening_screeninglist_add"


def staff_client(username, group=None):
    user = StaffUserFactory(username=username)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def csv_file(text, name="list.csv"):
    return raw_file(text.encode(), name)


def raw_file(data, name="list.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def xlsx_file(rows, name="list.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def upload(client, file, title="Onboarding batch"):
    return client.post(reverse(ADD), {"title": title, "threshold": "0.75", "upload": file})


def screen_all(client, screening_list):
    url = reverse("admin:timeline_screening_screen", args=[screening_list.pk])
    while True:
        progress = client.post(url, HTTP_ACCEPT="application/json").json()
        if progress["done"] == progress["total"]:
            return progress


LIST = "name,kind,country\nZhao Changpeng,person,\nBINANCE HOLDINGS LTD,company,KY\nXqzwv Blorfington,,\n"


def test_upload_screen_decide_and_screen_again(curated_data, caplog):
    client = staff_client("compliance", "screening")
    with caplog.at_level(logging.DEBUG):
        response = upload(client, csv_file(LIST))
    assert response.status_code == 302
    first = ScreeningList.objects.get()
    assert first.uploaded_by.username == "compliance"
    assert first.audit_trail.first().history_user.username == "compliance"
    assert screen_all(client, first) == {"done": 3, "total": 3}
    rows = {row.number: row for row in ScreeningRow.objects.filter(screening_list=first)}
    assert rows[2].results[0]["id"] == "changpeng-zhao" and rows[2].results[0]["match"]
    assert rows[3].results[0]["id"] == "binance-holdings"
    assert [result for result in rows[4].results if result["match"]] == []
    page = client.get(reverse("admin:timeline_screening_screeninglist_change", args=[first.pk]))
    assert page.status_code == 200
    assert "3 of 3" in page.content.decode()
    assert "Commodity Futures Trading Commission" in page.content.decode()
    ie = next(result for result in rows[3].results if result["id"] == "binance-holdings-ie")
    decide = reverse("admin:timeline_screening_decide", args=[first.pk])
    for entity_id, verdict in ((rows[2].results[0]["entity_id"], "match"), (ie["entity_id"], "false_positive")):
        row = rows[2] if verdict == "match" else rows[3]
        response = client.post(decide, {"row": row.pk, "entity": entity_id, "verdict": verdict, "note": "checked"})
        assert response.status_code == 302
    assert ScreeningDecision.objects.count() == 2
    assert "Changpeng" not in caplog.text and "BINANCE" not in caplog.text

    # The same names again, written differently: earlier decisions shown, the rejected candidate hidden.
    upload(client, csv_file("Name,Country\nchangpeng zhao,\nBinance Holdings Limited,KY\n"), title="Second batch")
    second = ScreeningList.objects.get(title="Second batch")
    screen_all(client, second)
    page = client.get(reverse("admin:timeline_screening_screeninglist_change", args=[second.pk])).content.decode()
    assert "True match</strong> by compliance" in page
    assert "Binance Holdings (IE) Limited" not in page
    assert "1 rejected candidate hidden" in page
    shown = client.get(reverse("admin:timeline_screening_screeninglist_change", args=[second.pk]), {"show_rejected": 1})
    assert "Binance Holdings (IE) Limited" in shown.content.decode()

    workbook = client.get(reverse("admin:timeline_screening_xlsx", args=[second.pk]))
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:5] == ("row", "name", "kind", "country", "candidate")
    assert ("changpeng zhao", "Changpeng Zhao", "True match") in {(line[1], line[4], line[15]) for line in lines[1:]}


def test_xlsx_upload_is_read(curated_data):
    client = staff_client("compliance", "screening")
    response = upload(client, xlsx_file([["Name", "Date of birth", "Identifier"], ["Do Kwon", "1991", ""]]))
    assert response.status_code == 302
    row = ScreeningRow.objects.get()
    assert (row.name, row.birth_date, row.schema) == ("Do Kwon", "1991", "LegalEntity")


BAD_UPLOADS = [
    (lambda: csv_file("title,country\nZhao,CA\n"), "no &#x27;name&#x27; column"),
    (lambda: csv_file("name,country\nZhao Changpeng,Canada\n"), "Row 2, column country"),
    (lambda: csv_file("name\n" + "x" * 10_000 + "\n"), "Row 2, column name: At most 500 characters."),
    (lambda: csv_file("name\nZhao\x07Changpeng\n"), "Row 2, column name: Control characters"),
    (lambda: csv_file("name,kind\nCZ,vessel\n"), "Row 2, column kind"),
    (lambda: csv_file("not a workbook", name="list.xlsx"), "not a readable XLSX"),
    (lambda: csv_file("name\nCZ\n", name="list.pdf"), "Upload a .csv or .xlsx file."),
    (lambda: raw_file(b"name\n\xff\xfe"), "not UTF-8"),
]


@pytest.mark.parametrize(("make", "message"), BAD_UPLOADS)
def test_bad_uploads_are_form_errors_and_save_nothing(curated_data, make, message):
    client = staff_client("compliance", "screening")
    response = upload(client, make())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ScreeningList.objects.count() == 0 and ScreeningRow.objects.count() == 0


def test_oversized_upload_is_refused(curated_data, settings):
    settings.SCREENING_UPLOAD_MAX_BYTES = 1024
    client = staff_client("compliance", "screening")
    response = upload(client, csv_file("name\n" + "Zhao Changpeng\n" * 200))
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert ScreeningList.objects.count() == 0


def test_only_the_uploader_and_screening_staff_see_a_list(curated_data):
    uploader = StaffUserFactory(username="uploader")
    from django.contrib.auth.models import Permission

    uploader.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_screeninglist", "view_screeninglist", "change_screeninglist"])
    )
    client = Client()
    client.force_login(uploader)
    upload(client, csv_file(LIST))
    screening_list = ScreeningList.objects.get()
    change = reverse("admin:timeline_screening_screeninglist_change", args=[screening_list.pk])
    assert client.get(change).status_code == 200
    colleague = StaffUserFactory(username="colleague")
    colleague.user_permissions.add(*uploader.user_permissions.all())
    other = Client()
    other.force_login(colleague)
    assert other.get(change).status_code == 302  # not in their queryset: "does not exist" redirect
    assert other.post(reverse("admin:timeline_screening_screen", args=[screening_list.pk])).status_code == 404
    assert other.get(reverse("admin:timeline_screening_xlsx", args=[screening_list.pk])).status_code == 404
    assert staff_client("head", "screening").get(change).status_code == 200
    assert staff_client("reader", "viewer").get(change).status_code == 403
    # The uploader may screen but not decide without the decision permission.
    decide = client.post(reverse("admin:timeline_screening_decide", args=[screening_list.pk]), {"row": 1})
    assert decide.status_code == 403
