"""Reading an uploaded list (CSV or XLSX) into rows, or a list of errors naming the row and column.

Columns are found by their header, in any order and case: ``name`` (required), and optionally
``kind`` (person, company, organization), ``country`` (ISO 3166-1 alpha-2), ``date of birth``
(YYYY, YYYY-MM or YYYY-MM-DD) and ``identifier`` (LEI, CIK or register number).
"""

import csv
import io
import zipfile

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from timeline.screening.validation import InvalidValue, check_property

HEADERS = {
    "name": "name",
    "kind": "schema",
    "schema": "schema",
    "type": "schema",
    "country": "country",
    "date of birth": "birth_date",
    "birth date": "birth_date",
    "birthdate": "birth_date",
    "dob": "birth_date",
    "identifier": "identifier",
    "lei": "identifier",
    "registration number": "identifier",
}
KINDS = {
    "": "LegalEntity",
    "person": "Person",
    "company": "Company",
    "organization": "Organization",
    "organisation": "Organization",
    "legalentity": "LegalEntity",
}
CHECKED_AS = {"name": "name", "country": "country", "birth_date": "birthDate", "identifier": "registrationNumber"}


class UploadError(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def _cells_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadError(["The CSV file is not UTF-8 text."]) from error
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise UploadError([f"The CSV file cannot be read: {error}."]) from error


def _cells_xlsx(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UploadError(["The file is not a readable XLSX workbook."]) from error
    sheet = workbook.worksheets[0]
    rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def parse_upload(file_name, data):
    """[{name, schema, country, birth_date, identifier, number}] or UploadError with every problem found."""
    limit = settings.SCREENING_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise UploadError([f"The file is larger than {limit // (1024 * 1024)} MB."])
    lower = file_name.lower()
    if lower.endswith(".csv"):
        cells = _cells_csv(data)
    elif lower.endswith(".xlsx"):
        cells = _cells_xlsx(data)
    else:
        raise UploadError(["Upload a .csv or .xlsx file."])
    if not cells:
        raise UploadError(["The file is empty."])
    header = [HEADERS.get(" ".join(str(cell).strip().lower().replace("_", " ").split())) for cell in cells[0]]
    if "name" not in header:
        raise UploadError(["Row 1: no 'name' column in the header."])
    rows, errors = [], []
    for number, values in enumerate(cells[1:], start=2):
        if not any(str(value).strip() for value in values):
            continue
        if len(rows) >= settings.SCREENING_MAX_ROWS:
            raise UploadError([f"More than {settings.SCREENING_MAX_ROWS} rows; split the list."])
        row = {"number": number, "schema": "LegalEntity", "country": "", "birth_date": "", "identifier": ""}
        for column, value in zip(header, values, strict=False):
            if column is None:
                continue
            value = str(value).strip()
            if column == "schema":
                if value.lower() not in KINDS:
                    errors.append(f"Row {number}, column kind: use person, company or organization.")
                row["schema"] = KINDS.get(value.lower(), "LegalEntity")
                continue
            if not value and column != "name":
                continue
            try:
                row[column] = check_property(CHECKED_AS[column], value)
            except InvalidValue as error:
                errors.append(f"Row {number}, column {column.replace('_', ' ')}: {error}")
        if "name" not in row and len(values) <= header.index("name"):
            errors.append(f"Row {number}, column name: may not be blank.")
        row["country"] = row["country"].upper()
        if len(row["identifier"]) > 100:
            errors.append(f"Row {number}, column identifier: at most 100 characters.")
        rows.append(row)
    if errors:
        raise UploadError(errors[:50])
    if not rows:
        raise UploadError(["The file has a header but no names."])
    return rows
