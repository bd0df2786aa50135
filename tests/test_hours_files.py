"""Hours as files: a coordinator's CSV import (a preview with each bad row named, then all
rows or none, approved at once, the rollups in step) and the CSV exports of a volunteer's,
an organisation's and the hub's hours (verified hours only unless asked)."""

from __future__ import annotations

import csv
import html
import io
import re
import threading
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
import time_machine
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import (
    make_category,
    make_hours,
    make_locality,
    make_organisation,
    make_placement,
    make_role,
    make_staff,
    make_user,
)
from tests.helpers import row_counts, run_together, slow_statements, tiny_image
from tests.test_query_counts import counting_statements
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.hours import import_file, importing
from volunteer_hub.hours.models import HoursEntry, RoleMonthHours, VolunteerMonthHours
from volunteer_hub.hours.services import HoursRefused
from volunteer_hub.hours.totals import hub_total, totals_by
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.placements.models import Placement

NOW = "2026-11-20 10:00:00+00:00"
TODAY = date(2026, 11, 20)
HEADINGS = "volunteer email,role,date,hours,note\n"


@pytest.fixture
def hub(db):
    """Reddish Library (Cora coordinates it) with a reading role Ann and Ben hold, and
    Marple Rotary (Otto's) with a role Cat holds; placements approved a year ago."""
    with time_machine.travel(NOW, tick=False):
        cora = make_user(name="Cora Coordinator", email="cora@library.example")
        otto = make_user(name="Otto Other", email="otto@rotary.example")
        library = make_organisation(name="Reddish Library", manager=cora)
        rotary = make_organisation(name="Marple Rotary", manager=otto)
        reading = make_role(
            library,
            title="Story time reader",
            category=make_category("Arts and culture"),
            locality=make_locality("Reddish"),
        )
        shelving = make_role(library, title="Shelf tidier", category=make_category("Libraries"))
        lunches = make_role(rotary, title="Lunch club helper")
        ann = make_user(name="Ann Able", email="ann@example.org")
        ben = make_user(name="Ben Brook", email="ben@example.org")
        cat = make_user(name="Cat Cole", email="cat@example.org")
        places = {
            "reading_ann": make_placement(reading, ann),
            "reading_ben": make_placement(reading, ben),
            "shelving_ann": make_placement(shelving, ann),
            "lunches_cat": make_placement(lunches, cat),
        }
        yield {
            "cora": cora,
            "otto": otto,
            "library": library,
            "rotary": rotary,
            "reading": reading,
            "shelving": shelving,
            "lunches": lunches,
            "ann": ann,
            "ben": ben,
            "cat": cat,
            **places,
        }


def upload(client, slug: str, data: bytes | str, filename: str = "hours.csv"):
    """Post the file as a browser does, the body built in memory (the test client's own
    encoder spools a large one to a temporary file it never closes)."""
    if isinstance(data, str):
        data = data.encode()
    file = FileStorage(io.BytesIO(data), filename, content_type="text/csv")
    boundary, body = encode_multipart({"csv_file": file})
    return client.post(
        f"/org/{slug}/hours/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def confirm(client, slug: str, text: str):
    """Post the confirmation as a browser does (urlencoded: the test client would otherwise
    spool a large body to a temporary file it never closes)."""
    return client.post(
        f"/org/{slug}/hours/import/confirm",
        data=urlencode({"csv_text": text}),
        content_type="application/x-www-form-urlencoded",
    )


def carried_text(page: str) -> str:
    """The file's text as the preview carries it to the confirmation."""
    match = re.search(r'name="csv_text" type="hidden" value="([^"]*)"', page)
    assert match, page
    return html.unescape(match.group(1))


def entries() -> list[HoursEntry]:
    return list(_db.session.scalars(sa.select(HoursEntry).order_by(HoursEntry.id)))


def rollup_sum(model) -> int:
    return _db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(model.quarters), 0)))


# --- Importing ------------------------------------------------------------------------------


def test_a_good_file_is_previewed_then_imported_whole_as_verified_hours(hub, login_as, db):
    """A BOM, both date forms, a role by title and by slug, notes: the preview shows every
    row and saves nothing; confirming logs every row, approved by the coordinator, and the
    rollups and totals count them."""
    text = (
        "\ufeffVolunteer Email,Role,Date,Hours,Note\r\n"
        "ANN@example.org,story time reader,2026-11-02,2.5,Half term special\r\n"
        f"ben@example.org,{hub['reading'].slug},03/11/2026,1.75,\r\n"
        'ann@example.org,Shelf tidier,14/10/2026,3,"Big sort, all fiction"\r\n'
    )
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        before = row_counts()
        preview = upload(client, hub["library"].slug, text)
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200
        assert row_counts() == before  # the preview writes nothing
        assert "Import 3 entries" in page
        assert "Ann Able" in page and "Ben Brook" in page
        assert "2 November 2026" in page and "1.75 hours" in page

        done = confirm(client, hub["library"].slug, carried_text(page))
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/org/{hub['library'].slug}/hours/import")
    made = entries()
    assert [(e.volunteer_id, e.role_id, e.worked_on, e.quarters, e.note) for e in made] == [
        (hub["ann"].id, hub["reading"].id, date(2026, 11, 2), 10, "Half term special"),
        (hub["ben"].id, hub["reading"].id, date(2026, 11, 3), 7, ""),
        (hub["ann"].id, hub["shelving"].id, date(2026, 10, 14), 12, "Big sort, all fiction"),
    ]
    assert {e.status for e in made} == {"approved"}
    assert {(e.logged_by_id, e.verified_by_id) for e in made} == {(hub["cora"].id,) * 2}
    assert rollup_sum(VolunteerMonthHours) == rollup_sum(RoleMonthHours) == 29
    assert hub_total() == 29
    by_role = {total.label: total.quarters for total in totals_by("role")}
    assert by_role == {"Story time reader": 17, "Shelf tidier": 12}
    imported = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "hours.imported")
    ).one()
    assert imported.detail == {"entries": 3, "quarters": 29}
    landing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported 3 entries: 7.25 hours for 2 volunteers" in landing


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(hub, login_as, db):
    """Row 4 (after a blank row 3, counted as a spreadsheet counts it) is off the quarter
    hour: the preview says so by number and offers no import; posting the text anyway
    imports nothing."""
    text = (
        HEADINGS + "ann@example.org,Story time reader,2026-11-02,2,\n"
        "\n"
        "ben@example.org,Story time reader,2026-11-03,1.3,\n"
        "ben@example.org,Story time reader,2026-11-04,1,\n"
    )
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        preview = upload(client, hub["library"].slug, text)
        page = preview.get_data(as_text=True)
        assert preview.status_code == 422
        assert "Row 4: Enter hours in quarter-hour steps, like 1.25, 1.5 or 1.75" in page
        assert "1 of 3 rows has a problem" in page
        assert "csv_text" not in page and "Import 3" not in page
        before = row_counts()
        forced = confirm(client, hub["library"].slug, text)
    assert forced.status_code == 422
    assert "Row 4: Enter hours in quarter-hour steps" in forced.get_data(as_text=True)
    assert row_counts() == before
    assert entries() == []


def bad_rows(hub) -> dict[str, tuple[str, str]]:
    """A row each, and the problem its preview names."""
    reading = "Story time reader"
    return {
        "future": (f"ann@example.org,{reading},2026-11-21,2,", "The date cannot be in the future"),
        "before approval": (
            f"ann@example.org,{reading},2025-11-19,2,",
            "Enter a date on or after 20 November 2025",
        ),
        "no such day": (
            f"ann@example.org,{reading},2026-02-30,2,",
            "Enter the date as YYYY-MM-DD or DD/MM/YYYY",
        ),
        "american date": (
            f"ann@example.org,{reading},11/30/2026,2,",
            "Enter the date as YYYY-MM-DD or DD/MM/YYYY",
        ),
        "over a day": (
            f"ann@example.org,{reading},2026-11-02,24.25,",
            "Enter from 0.25 to 24 hours",
        ),
        "nothing": (f"ann@example.org,{reading},2026-11-02,0,", "Enter from 0.25 to 24 hours"),
        "words": (f"ann@example.org,{reading},2026-11-02,two,", "Enter the hours as a number"),
        "huge exponent": (
            f"ann@example.org,{reading},2026-11-02,1e1000000,",
            "Enter the hours as a number",
        ),
        "no email": (f",{reading},2026-11-02,2,", "Enter the volunteer's email address"),
        "no role": ("ann@example.org,,2026-11-02,2,", "Enter the role"),
        "unknown role": (
            "ann@example.org,Dog walker,2026-11-02,2,",
            'Reddish Library has no role called "Dog walker"',
        ),
        "another organisation's role": (
            "cat@example.org,Lunch club helper,2026-11-02,2,",
            'Reddish Library has no role called "Lunch club helper"',
        ),
        "another organisation's volunteer": (
            f"cat@example.org,{reading},2026-11-02,2,",
            "cat@example.org has no approved, active or ended placement on Story time reader",
        ),
        "no account": (
            f"nobody@example.org,{reading},2026-11-02,2,",
            "nobody@example.org has no approved, active or ended placement",
        ),
        "not an address": (f"ann,{reading},2026-11-02,2,", '"ann" is not an email address'),
        "own hours": (
            f"cora@library.example,{reading},2026-11-02,2,",
            "These are your own hours",
        ),
        "long note": (
            f"ann@example.org,{reading},2026-11-02,2,{'x' * 501}",
            "The note must be 500 characters or fewer",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "future",
        "before approval",
        "no such day",
        "american date",
        "over a day",
        "nothing",
        "words",
        "huge exponent",
        "no email",
        "no role",
        "unknown role",
        "another organisation's role",
        "another organisation's volunteer",
        "no account",
        "not an address",
        "own hours",
        "long note",
    ],
)
def test_each_bad_row_is_named_and_nothing_is_imported(hub, login_as, db, case):
    row, problem = bad_rows(hub)[case]
    text = HEADINGS + "ben@example.org,Story time reader,2026-11-03,1,\n" + row + "\n"
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        before = row_counts()
        preview = upload(client, hub["library"].slug, text)
        forced = confirm(client, hub["library"].slug, text)
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 422
    assert f"Row 3: {problem}" in page
    assert "Row 2:" not in page
    assert forced.status_code == 422
    assert row_counts() == before


def test_an_ended_placement_takes_hours_up_to_its_end(hub, login_as, db):
    """Late hours for a placement that ended on 1 November: the day before is imported, the
    day after is refused with the service's words."""
    with time_machine.travel("2026-11-01 12:00:00+00:00", tick=False):
        hub["reading_ben"].status = "ended"
        hub["reading_ben"].status_changed_at = utcnow()
        db.session.commit()
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        late = upload(
            client,
            hub["library"].slug,
            HEADINGS + "ben@example.org,Story time reader,2026-11-02,1,\n",
        )
        assert "Row 2: Enter a date on or before 1 November 2026" in html.unescape(
            late.get_data(as_text=True)
        )
        text = HEADINGS + "ben@example.org,Story time reader,2026-10-31,1,\n"
        assert upload(client, hub["library"].slug, text).status_code == 200
        done = confirm(client, hub["library"].slug, text)
    assert done.status_code == 302
    assert [(e.worked_on, e.status) for e in entries()] == [(date(2026, 10, 31), "approved")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty"),
        (b"   \r\n", "The file is empty"),
        (tiny_image(), "this one is not text"),
        (b"volunteer email,role\x00,date,hours\n", "this one is not text"),
        ("volunteer email,role,date,hours\nzoë\n".encode("latin-1"), "saved as UTF-8"),
        (b"name,when,how long\nann,today,2\n", "Missing: email, role, date, hours"),
        (HEADINGS.encode(), "headings but no rows"),
        (b'volunteer email,role,date,hours\n"ann@example.org,Story', "cannot be read as CSV"),
        (HEADINGS.encode() + b"a" * 1_000_001, "1 MB or smaller"),
        (
            (HEADINGS + "ann@example.org,Story time reader,2026-11-02,1,\n" * 2_001).encode(),
            "more than 2,000 rows",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "a picture",
        "binary",
        "latin-1",
        "no headings",
        "headings only",
        "open quote",
        "over 1 MB",
        "too many rows",
    ],
)
def test_files_that_are_not_csv_of_hours_are_refused_whole(hub, login_as, db, data, problem):
    client = login_as(hub["cora"])
    before = row_counts()
    with time_machine.travel(NOW, tick=False):
        response = upload(client, hub["library"].slug, data)
        forced = confirm(client, hub["library"].slug, data.decode("utf-8", "replace"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert problem in page
    assert 'id="csv_file-error"' in page  # beside the field, and in the summary
    # A NUL anywhere in a form is refused before any view (400), the rest by the import.
    assert forced.status_code == (400 if b"\x00" in data else 422)
    assert row_counts() == before


def test_no_file_and_a_stray_confirmation_are_answered_with_errors(hub, login_as, db):
    client = login_as(hub["cora"])
    slug = hub["library"].slug
    chosen = client.post(f"/org/{slug}/hours/import", data={})
    assert chosen.status_code == 422
    assert "Choose the CSV file of hours to import" in chosen.get_data(as_text=True)
    stray = client.post(f"/org/{slug}/hours/import/confirm", data={})
    assert stray.status_code == 422
    assert "Nothing was imported" in stray.get_data(as_text=True)


def test_semicolons_and_extra_columns_are_read(hub, login_as, db):
    text = "Email;Role;Date;Hours;Team;Notes\nann@example.org;STORY TIME READER;02/11/2026;1,5;A;\n"
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        response = upload(client, hub["library"].slug, text)
    # "1,5" is not a number the hub reads: decimal points only.
    assert "Row 2: Enter the hours as a number" in html.unescape(response.get_data(as_text=True))
    text = text.replace("1,5", "1.5")
    with time_machine.travel(NOW, tick=False):
        assert upload(client, hub["library"].slug, text).status_code == 200


def test_importing_the_same_hours_twice_is_refused(hub, login_as, db):
    """A file imported twice, or a row repeated in one file, would count hours twice: those
    rows are refused. Rejected hours are no obstacle."""
    text = HEADINGS + "ann@example.org,Story time reader,2026-11-02,2,\n"
    slug = hub["library"].slug
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        make_hours(hub["reading_ben"], date(2026, 11, 2), 8, status="rejected", message="Wrong day")
        first = confirm(client, slug, text)
        assert first.status_code == 302
        again = confirm(client, slug, text)
        repeated = upload(
            client,
            slug,
            HEADINGS + "ben@example.org,Story time reader,2026-11-02,2,\n"
            "ben@example.org,Story time reader,2026-11-02,2,\n",
        )
    assert again.status_code == 422
    assert "Row 2: These hours are already recorded" in html.unescape(again.get_data(as_text=True))
    assert "Row 3: This repeats row 2" in html.unescape(repeated.get_data(as_text=True))
    assert len([e for e in entries() if e.status == "approved"]) == 1


def test_the_import_checks_the_file_again_and_never_trusts_the_preview(hub, login_as, db):
    """Between the preview and the confirmation the same hours were logged and Ben's
    placement was withdrawn: the confirmation refuses the file, naming both rows."""
    text = (
        HEADINGS + "ann@example.org,Story time reader,2026-11-02,2,\n"
        "ben@example.org,Story time reader,2026-11-03,2,\n"
    )
    slug = hub["library"].slug
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        page = upload(client, slug, text).get_data(as_text=True)
        make_hours(hub["reading_ann"], date(2026, 11, 2), 8, status="approved")
        hub["reading_ben"].status = "withdrawn"
        db.session.commit()
        before = row_counts()
        response = confirm(client, slug, carried_text(page))
    refused = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Row 2: These hours are already recorded" in refused
    assert "Row 3: ben@example.org has no approved, active or ended placement" in refused
    assert row_counts() == before


def test_another_organisations_coordinator_cannot_import(hub, login_as, db):
    text = HEADINGS + "ann@example.org,Story time reader,2026-11-02,2,\n"
    client = login_as(hub["otto"])
    with time_machine.travel(NOW, tick=False):
        before = row_counts()
        assert upload(client, hub["library"].slug, text).status_code == 403
        confirm = f"/org/{hub['library'].slug}/hours/import/confirm"
        assert client.post(confirm, data={"csv_text": text}).status_code == 403
        # Their own organisation's page knows nothing of the library's role or volunteers.
        mine = upload(client, hub["rotary"].slug, text)
    assert 'Row 2: Marple Rotary has no role called "Story time reader"' in html.unescape(
        mine.get_data(as_text=True)
    )
    assert row_counts() == before


def test_a_volunteer_cannot_import(hub, login_as, db):
    client = login_as(hub["ann"])
    text = HEADINGS + "ann@example.org,Story time reader,2026-11-02,24,\n"
    assert upload(client, hub["library"].slug, text).status_code == 403
    confirm = f"/org/{hub['library'].slug}/hours/import/confirm"
    assert client.post(confirm, data={"csv_text": text}).status_code == 403
    assert entries() == []


def test_the_import_service_refuses_an_outsider(hub, db):
    with pytest.raises(HoursRefused):
        importing.import_hours(hub["library"], HEADINGS, hub["otto"], TODAY)


def test_a_formula_in_a_note_is_kept_as_text_and_exported_harmlessly(hub, login_as, db):
    """A note like =CMD() is stored as typed, shown escaped, and exported with the leading
    apostrophe that stops a spreadsheet running it."""
    text = HEADINGS + "ann@example.org,Story time reader,2026-11-02,2,\"=CMD('calc')<b>\"\n"
    slug = hub["library"].slug
    client = login_as(hub["cora"])
    with time_machine.travel(NOW, tick=False):
        preview = upload(client, slug, text).get_data(as_text=True)
        assert "=CMD(&#39;calc&#39;)&lt;b&gt;" in preview
        confirm(client, slug, text)
        exported = client.get(f"/org/{slug}/hours.csv").get_data(as_text=True)
    assert entries()[0].note == "=CMD('calc')<b>"
    (row,) = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert row["Note"] == "'=CMD('calc')<b>"


# --- Exporting ------------------------------------------------------------------------------


@pytest.fixture
def logged(hub):
    """Hours in every status: Ann's and Ben's on the reading role, Ann's on shelving, Cat's
    with the Rotary."""
    with time_machine.travel(NOW, tick=False):
        made = {
            "ann_approved": make_hours(hub["reading_ann"], date(2026, 9, 5), 8, status="approved"),
            "ann_pending": make_hours(hub["reading_ann"], date(2026, 9, 6), 4),
            "ann_queried": make_hours(hub["reading_ann"], date(2026, 9, 7), 5, status="queried"),
            "ann_rejected": make_hours(hub["reading_ann"], date(2026, 9, 8), 6, status="rejected"),
            "ann_shelving": make_hours(
                hub["shelving_ann"], date(2026, 10, 1), 3, status="approved"
            ),
            "ben_approved": make_hours(hub["reading_ben"], date(2026, 10, 9), 7, status="approved"),
            "cat_approved": make_hours(
                hub["lunches_cat"], date(2026, 10, 10), 9, status="approved"
            ),
        }
    return made


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_an_organisations_export_holds_only_verified_hours_by_default(hub, logged, login_as):
    rows = read_csv(login_as(hub["cora"]).get(f"/org/{hub['library'].slug}/hours.csv"))
    assert [(r["Date"], r["Volunteer"], r["Hours"], r["Status"]) for r in rows] == [
        ("2026-09-05", "Ann Able", "2", "Verified"),
        ("2026-10-01", "Ann Able", "0.75", "Verified"),
        ("2026-10-09", "Ben Brook", "1.75", "Verified"),
    ]
    first = rows[0]
    assert first == {
        "Date": "2026-09-05",
        "Volunteer": "Ann Able",
        "Email": "ann@example.org",
        "Organisation": "Reddish Library",
        "Role": "Story time reader",
        "Category": "Arts and culture",
        "Locality": "Reddish",
        "Hours": "2",
        "Status": "Verified",
        "Note": "Helped out",
        "Verified by": "Vera Verifier",
        "Verified at": "2026-11-20 10:00",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["09-05", "10-01", "10-09"]),
        ("status=approved", ["09-05", "10-01", "10-09"]),
        ("status=pending", ["09-06"]),
        ("status=queried", ["09-07"]),
        ("status=rejected", ["09-08"]),
        ("status=all", ["09-05", "09-06", "09-07", "09-08", "10-01", "10-09"]),
        ("status=all&from=2026-09-06&to=2026-09-07", ["09-06", "09-07"]),
        ("from=2026-10-01", ["10-01", "10-09"]),
        ("to=2026-10-01", ["09-05", "10-01"]),
        ("role={shelving}", ["10-01"]),
        ("category={libraries}", ["10-01"]),
        ("status=all&role={reading}&to=2026-09-30", ["09-05", "09-06", "09-07", "09-08"]),
    ],
)
def test_the_filters_choose_the_rows(hub, logged, login_as, query, expected):
    query = query.format(
        shelving=hub["shelving"].slug,
        reading=hub["reading"].slug,
        libraries=hub["shelving"].category.slug,
    )
    client = login_as(hub["cora"])
    rows = read_csv(client.get(f"/org/{hub['library'].slug}/hours.csv?{query}"))
    assert [row["Date"] for row in rows] == [f"2026-{day}" for day in expected]


def test_a_volunteers_own_export_holds_only_their_hours_without_email(hub, logged, login_as):
    client = login_as(hub["ann"])
    rows = read_csv(client.get("/me/hours.csv"))
    assert [(r["Date"], r["Role"]) for r in rows] == [
        ("2026-09-05", "Story time reader"),
        ("2026-10-01", "Shelf tidier"),
    ]
    assert "Email" not in rows[0]
    everything = read_csv(client.get("/me/hours.csv?status=all"))
    assert [r["Status"] for r in everything] == [
        "Verified",
        "Waiting to be verified",
        "Query: please check",
        "Not accepted",
        "Verified",
    ]
    assert {r["Volunteer"] for r in everything} == {"Ann Able"}
    # Another role's slug is not among her choices: the form says so, with no file.
    refused = client.get(f"/me/hours.csv?role={hub['lunches'].slug}")
    assert refused.status_code == 422
    assert "Choose a role from the list" in refused.get_data(as_text=True)


def test_the_export_is_written_after_the_request_has_ended(hub, logged, login_as):
    """As a server sends it: the file is read in a thread with no app context, after the
    view has returned, and still holds the verified hours with the time they were verified."""
    response = login_as(hub["ann"]).get("/me/hours.csv", buffered=False)
    read: list[str] = []

    def send() -> None:
        with response:
            read.append(response.get_data(as_text=True))

    thread = threading.Thread(target=send)
    thread.start()
    thread.join(timeout=30)
    (text,) = read
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [row["Date"] for row in rows] == ["2026-09-05", "2026-10-01"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Verified at"]) for row in rows)


def test_staff_export_the_whole_hub(hub, logged, login_as):
    client = login_as(make_staff())
    rows = read_csv(client.get("/staff/hours.csv"))
    assert [(r["Date"], r["Organisation"]) for r in rows] == [
        ("2026-09-05", "Reddish Library"),
        ("2026-10-01", "Reddish Library"),
        ("2026-10-09", "Reddish Library"),
        ("2026-10-10", "Marple Rotary"),
    ]
    lunches = read_csv(client.get(f"/staff/hours.csv?role={hub['lunches'].slug}"))
    assert [r["Volunteer"] for r in lunches] == ["Cat Cole"]
    unknown = client.get("/staff/hours.csv?role=no-such-role")
    assert unknown.status_code == 422
    assert "No role has this web address" in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("from=yesterday", "The date must be a real date"),
        ("from=2026-10-02&to=2026-10-01", "The end date must be the same as or after"),
        ("status=approvedish", "Choose a status from the list"),
        ("status=", "Choose a status from the list"),
        ("category=no-such-kind", "Choose from the list"),
    ],
)
def test_bad_filters_show_the_form_with_the_error(hub, logged, login_as, query, problem):
    for url in (
        f"/org/{hub['library'].slug}/hours.csv",
        f"/org/{hub['library'].slug}/hours/export",
    ):
        response = login_as(hub["cora"]).get(f"{url}?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 422, url
        assert response.mimetype == "text/html"
        assert problem in page
        assert "There is a problem" in page


def test_the_export_forms_offer_the_filters(hub, logged, login_as):
    page = login_as(hub["cora"]).get(f"/org/{hub['library'].slug}/hours/export")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'action="/org/{hub["library"].slug}/hours.csv"' in text
    assert '<option selected value="approved">Verified</option>' in text
    assert "Shelf tidier" in text and "Lunch club helper" not in text
    mine = login_as(hub["ann"]).get("/me/hours/export").get_data(as_text=True)
    assert "Story time reader" in mine and "Lunch club helper" not in mine


def test_a_coordinator_cannot_export_another_organisations_hours(hub, logged, login_as):
    client = login_as(hub["otto"])
    assert client.get(f"/org/{hub['library'].slug}/hours.csv").status_code == 403
    assert client.get(f"/org/{hub['library'].slug}/hours/export").status_code == 403
    rows = read_csv(client.get(f"/org/{hub['rotary'].slug}/hours.csv?status=all"))
    assert [r["Volunteer"] for r in rows] == ["Cat Cole"]
    assert login_as(hub["ann"]).get("/staff/hours.csv").status_code == 403


def test_the_export_reads_every_row_in_a_fixed_number_of_statements(hub, login_as, db):
    """Statements do not grow with the rows (no query per row), with 30 rows, then 60."""
    placement_ids = [make_placement(hub["reading"]).id for _ in range(10)]
    client = login_as(hub["cora"])
    url = f"/org/{hub['library'].slug}/hours.csv"
    counts = []
    for start in (0, 3):
        for placement_id in placement_ids:
            placement = db.session.get(Placement, placement_id)
            for day in range(start, start + 3):
                make_hours(placement, TODAY - timedelta(days=day + 1), status="approved")
        db.session.close()
        with counting_statements() as statements:
            rows = read_csv(client.get(url))
        counts.append(len(statements))
        assert len(rows) == 10 * (start + 3)
    assert counts[0] == counts[1] <= 8, counts


def test_a_file_of_exactly_the_most_rows_is_read():
    text = HEADINGS + "ann@example.org,Story time reader,2026-11-02,1,\n" * import_file.MAX_ROWS
    rows = import_file.read_rows(text)
    assert len(rows) == import_file.MAX_ROWS
    assert rows[-1].number == import_file.MAX_ROWS + 1
    with pytest.raises(import_file.FileRefused, match="more than"):
        import_file.read_rows(text + "ann@example.org,Story time reader,2026-11-03,1,\n")


def test_the_same_file_imported_four_times_at_once_is_imported_once(app, hub):
    """Four confirmations of one file land together: the volunteers' row locks make them
    take turns, and each checks the file again, so one imports and three find the hours
    already recorded. (Without the lock, the checks all pass before any write: four times
    the hours.)"""
    text = (
        HEADINGS + "ann@example.org,Story time reader,2026-11-02,2,\n"
        "ben@example.org,Story time reader,2026-11-03,1.5,\n"
    )
    ids = (hub["library"].id, hub["cora"].id)

    def confirm_import(_: int) -> bool:
        library = _db.session.get(Organisation, ids[0])
        cora = _db.session.get(User, ids[1])
        done = importing.import_hours(library, text, cora, TODAY)
        if done.ok:
            _db.session.commit()
        else:
            _db.session.rollback()
        return done.ok

    with slow_statements("INSERT INTO hours_entries"):
        outcomes = run_together(app, confirm_import, workers=4)
    assert sorted(outcomes) == [False, False, False, True]
    assert [(e.volunteer_id, e.quarters) for e in entries()] == [
        (hub["ann"].id, 8),
        (hub["ben"].id, 6),
    ]
    assert rollup_sum(VolunteerMonthHours) == rollup_sum(RoleMonthHours) == 14
