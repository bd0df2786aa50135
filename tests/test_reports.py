"""The impact report against a small data set worked out by hand, on both databases; its CSV
files and PDF against the page; who may see which report; and bad filters.

The world (February and March 2026; a rate change on Sunday 15 March):
- rates: £10.00 an hour from 1 January 2026, £12.00 from 15 March 2026;
- roles: R1 (O1, a charity; kind A; area L1), R2 (O1; kind B; area L2), R3 (O2, a business;
  kind A; no area);
- Vera: R1 2 h on 10 March (£20) and 3 h on 20 March (£36); R2 1.5 h on 5 February (£15);
  she is active in two kinds of volunteering;
- Will: R3 4 h on 14 March (£40) and 1 h on 15 March (£12);
- Erin: R1 2 h on 28 February (£20), then she erases her account;
- Pat: R2 5 h pending and 6 h rejected (neither counts);
- outside the period: 1 h on 31 January and 1 h on 1 April.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from statistics import median
from typing import Any

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import (
    make_category,
    make_course,
    make_hours,
    make_locality,
    make_organisation,
    make_placement,
    make_record,
    make_role,
    make_staff,
    make_user,
)
from tests.pdfs import page_text, reader
from tests.test_query_counts import sign_in, statements_for
from volunteer_hub.auth.models import User
from volunteer_hub.clock import local_date
from volunteer_hub.database import local_day
from volunteer_hub.extensions import db
from volunteer_hub.hours.services import reverse
from volunteer_hub.placements.models import Placement, PlacementEvent
from volunteer_hub.privacy import erase_account
from volunteer_hub.reports import activity
from volunteer_hub.reports.filters import ReportFilters
from volunteer_hub.reports.models import ValueRate
from volunteer_hub.reports.periods import Slice, slices
from volunteer_hub.reports.report import build_report
from volunteer_hub.training.models import RecordStatus
from volunteer_hub.workdays import working_day_number, working_days_between

FEB_1, MAR_31 = date(2026, 2, 1), date(2026, 3, 31)
PERIOD = {"from": "2026-02-01", "to": "2026-03-31"}


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page_text(pdf))


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class World:
    staff: User
    coordinator: User
    other_coordinator: User
    organisations: dict[str, Any]
    categories: dict[str, Any]
    localities: dict[str, Any]
    roles: dict[str, Any]


def _volunteer(name: str, locality: Any, joined: date) -> User:
    return make_user(name=name, locality=locality, created_at=at(joined))


def _application(role: Any, volunteer: User, applied: date, *steps: tuple[str, date]) -> Placement:
    """An application made on `applied`, then moved through `steps` (status, day)."""
    placement = Placement(
        role=role,
        volunteer=volunteer,
        status=steps[-1][0] if steps else "applied",
        created_at=at(applied),
        status_changed_at=at(steps[-1][1] if steps else applied),
        decided_at=at(steps[0][1]) if steps else None,
    )
    placement.events = [PlacementEvent(status="applied", created_at=at(applied))]
    previous = "applied"
    for status, day in steps:
        placement.events.append(
            PlacementEvent(status=status, previous=previous, created_at=at(day))
        )
        previous = status
    db.session.add(placement)
    db.session.commit()
    return placement


@pytest.fixture
def world(db: Any) -> World:
    db.session.add_all(
        [
            ValueRate(valid_from=date(2026, 1, 1), pence_per_hour=1000, source="Test rate one"),
            ValueRate(valid_from=date(2026, 3, 15), pence_per_hour=1200, source="Test rate two"),
        ]
    )
    categories = {"A": make_category("Libraries"), "B": make_category("Parks")}
    localities = {"L1": make_locality("Reddish"), "L2": make_locality("Marple")}
    coordinator, other_coordinator = make_user(name="Cora"), make_user(name="Otto")
    organisations = {
        "O1": make_organisation(name="Reddish Library Friends", manager=other_coordinator),
        "O2": make_organisation(name="Marple Bakery", kind="business", manager=coordinator),
    }
    roles = {
        "R1": make_role(organisations["O1"], category=categories["A"], locality=localities["L1"]),
        "R2": make_role(organisations["O1"], category=categories["B"], locality=localities["L2"]),
        "R3": make_role(organisations["O2"], category=categories["A"], locality=None),
    }
    vera = _volunteer("Vera", localities["L1"], date(2026, 2, 3))
    will = _volunteer("Will", localities["L2"], date(2026, 3, 20))
    erin = _volunteer("Erin", localities["L1"], date(2026, 3, 1))
    pat = _volunteer("Pat", None, date(2025, 6, 1))
    vera_r1 = make_placement(roles["R1"], vera, approved_at=at(date(2025, 12, 1)))
    vera_r2 = make_placement(roles["R2"], vera, approved_at=at(date(2025, 12, 1)))
    will_r3 = make_placement(roles["R3"], will, approved_at=at(date(2025, 12, 1)))
    erin_r1 = make_placement(roles["R1"], erin, approved_at=at(date(2025, 12, 1)))
    pat_r2 = make_placement(roles["R2"], pat, approved_at=at(date(2025, 12, 1)))
    make_hours(vera_r1, date(2026, 3, 10), 8, status="approved")
    make_hours(vera_r1, date(2026, 3, 20), 12, status="approved")
    make_hours(vera_r2, date(2026, 2, 5), 6, status="approved")
    make_hours(will_r3, date(2026, 3, 14), 16, status="approved")
    make_hours(will_r3, date(2026, 3, 15), 4, status="approved")
    make_hours(erin_r1, date(2026, 2, 28), 8, status="approved")
    make_hours(pat_r2, date(2026, 3, 1), 20)
    make_hours(pat_r2, date(2026, 3, 2), 24, status="rejected")
    make_hours(vera_r1, date(2026, 1, 31), 4, status="approved")
    make_hours(vera_r1, date(2026, 4, 1), 4, status="approved")
    # Applications: Monday 2 Feb approved Wednesday 4th (2 working days), then active; Friday
    # 6 March declined Monday 9th (1); 10 March still waiting; 12 March approved 19th (5),
    # then withdrawn; one made in January (outside) and approved in February.
    _application(
        roles["R1"],
        pat,
        date(2026, 2, 2),
        ("approved", date(2026, 2, 4)),
        ("active", date(2026, 2, 9)),
    )
    _application(roles["R2"], will, date(2026, 3, 6), ("declined", date(2026, 3, 9)))
    _application(roles["R3"], pat, date(2026, 3, 10))
    _application(
        roles["R3"],
        vera,
        date(2026, 3, 12),
        ("approved", date(2026, 3, 19)),
        ("withdrawn", date(2026, 3, 25)),
    )
    _application(roles["R2"], erin, date(2026, 1, 15), ("approved", date(2026, 2, 2)))
    # Training: two verified completions of O1's course (kind A) in the period, one of the
    # hub's; one pending, one rejected and one outside the period, none of which count.
    own_course = make_course(organisations["O1"], title="Library induction")
    own_course.categories = [categories["A"]]
    hub_course = make_course(title="Safeguarding essentials")
    make_record(vera, own_course, completed_on=date(2026, 2, 10))
    make_record(erin, own_course, completed_on=date(2026, 3, 10))
    make_record(will, hub_course, completed_on=date(2026, 3, 31))
    make_record(pat, hub_course, completed_on=date(2026, 3, 11), status=RecordStatus.PENDING)
    make_record(pat, own_course, completed_on=date(2026, 3, 12), status=RecordStatus.REJECTED)
    make_record(pat, hub_course, completed_on=date(2026, 4, 1))
    erase_account(erin, actor=erin)
    db.session.commit()
    return World(
        staff=make_staff(name="Sam Staff"),
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        organisations=organisations,
        categories=categories,
        localities=localities,
        roles=roles,
    )


def _figures(figures: list[Any]) -> dict[str, tuple[int, int, int]]:
    """label -> (quarter-hours, volunteers, pence)."""
    return {f.label: (f.quarters, f.volunteers, f.value_pence) for f in figures}


def test_the_report_matches_the_hand_worked_answer(world):
    report = build_report(ReportFilters(FEB_1, MAR_31))
    assert (report.total.quarters, report.total.volunteers) == (54, 3)  # 13.5 hours, 3 people
    assert report.total.value_pence == 143_00
    assert report.total.unvalued_quarters == 0
    assert report.organisations_active == 2
    assert _figures(report.by_category) == {
        "Libraries": (48, 3, 128_00),  # Vera 5 h, Will 5 h, Erin 2 h
        "Parks": (6, 1, 15_00),  # Vera again: she counts in both kinds, once in the total
    }
    assert _figures(report.by_locality) == {
        "Reddish": (28, 2, 76_00),
        "No area (remote, or not set)": (20, 1, 52_00),
        "Marple": (6, 1, 15_00),
    }
    assert _figures(report.by_organisation) == {
        "Reddish Library Friends": (34, 2, 91_00),
        "Marple Bakery": (20, 1, 52_00),
    }
    assert _figures(report.by_organisation_kind) == {
        "Registered charity": (34, 2, 91_00),
        "Business": (20, 1, 52_00),
    }
    assert _figures(report.by_month) == {
        "February 2026": (14, 2, 35_00),
        "March 2026": (40, 2, 108_00),
    }
    # Vera (Reddish, 3 Feb), Erin (Reddish, 1 March, since erased), Will (Marple, 20 March).
    assert {(c.label, c.count) for c in report.new_volunteers or []} == {
        ("Reddish", 2),
        ("Marple", 1),
    }
    funnel = report.funnel
    assert (funnel.applied, funnel.approved, funnel.active) == (4, 2, 1)
    assert {(c.key, c.count) for c in funnel.outcomes} == {
        ("active", 1),
        ("declined", 1),
        ("applied", 1),
        ("withdrawn", 1),
    }
    assert (funnel.decided, funnel.median_days) == (3, 2)  # 2, 1 and 5 working days
    assert report.placements_started == 1
    assert {(c.label, c.count) for c in report.training} == {
        ("Library induction", 2),
        ("Safeguarding essentials", 1),
    }


def test_a_period_inside_months_is_read_from_the_entries_at_each_days_rate(world):
    """14 to 20 March: Will's 4 h on the 14th at £10 and 1 h on the 15th at £12, Vera's 3 h
    on the 20th at £12; the rollup's March total (which holds the 10th) is not used."""
    report = build_report(ReportFilters(date(2026, 3, 14), date(2026, 3, 20)))
    assert (report.total.quarters, report.total.volunteers, report.total.value_pence) == (
        32,
        2,
        40_00 + 12_00 + 36_00,
    )


def test_two_rates_beginning_in_one_month_each_value_their_own_days(world):
    """A third rate from 20 March (£15): Vera's 3 hours that day are worth £45, not £36; the
    15th to the 19th stay at £12 and the days before at £10."""
    db.session.add(ValueRate(valid_from=date(2026, 3, 20), pence_per_hour=1500, source="Three"))
    db.session.commit()
    report = build_report(ReportFilters(FEB_1, MAR_31))
    assert report.total.value_pence == 143_00 - 36_00 + 45_00
    assert _figures(report.by_month)["March 2026"] == (40, 2, 108_00 - 36_00 + 45_00)
    one_day = build_report(ReportFilters(date(2026, 3, 20), date(2026, 3, 20)))
    assert (one_day.total.quarters, one_day.total.value_pence) == (12, 45_00)


def test_hours_before_the_first_rate_are_counted_but_not_valued(world):
    report = build_report(ReportFilters(date(2025, 12, 1), date(2026, 1, 31)))
    assert report.total.quarters == 4  # Vera's hour on 31 January, at £10
    assert report.total.value_pence == 10_00
    db.session.query(ValueRate).filter(ValueRate.valid_from == date(2026, 1, 1)).delete()
    db.session.commit()
    report = build_report(ReportFilters(date(2025, 12, 1), date(2026, 3, 20)))
    assert report.total.unvalued_quarters == 4 + 14 + 8 + 16  # to the 14th, before 15 March
    assert report.total.value_pence == 12_00 + 36_00


def test_filters_combine(world):
    report = build_report(
        ReportFilters(
            FEB_1, MAR_31, category_id=world.categories["A"].id, organisation_kind="charity"
        )
    )
    assert (report.total.quarters, report.total.volunteers, report.total.value_pence) == (
        28,
        2,
        76_00,
    )
    assert report.funnel.applied == 1  # Pat's application to R1
    assert {(c.label, c.count) for c in report.training} == {("Library induction", 2)}


def test_reversed_hours_leave_no_volunteer_or_organisation_behind(world):
    """A whole month of hours approved, then reversed: the rollup keeps a row at nought,
    which must not count its volunteer, role or organisation."""
    organisation = make_organisation(name="Gone Quiet Group")
    role = make_role(organisation, category=world.categories["B"])
    entry = make_hours(
        make_placement(role, make_user(name="Rex")), date(2026, 2, 9), 8, status="approved"
    )
    reverse(entry, world.staff, "Logged on the wrong role")
    db.session.commit()
    report = build_report(ReportFilters(FEB_1, MAR_31))
    assert (report.total.quarters, report.total.volunteers) == (54, 3)
    assert report.organisations_active == 2
    assert "Gone Quiet Group" not in {figure.label for figure in report.by_organisation}
    assert _figures(report.by_category)["Parks"] == (6, 1, 15_00)


def test_a_withdrawal_or_a_question_is_not_a_decision(world):
    """Withdrawn after 14 working days, or asked for more information and then approved:
    only the approval is a decision (4 working days: Monday 2 to Friday 6 March)."""
    late = make_user(name="Lena")
    _application(world.roles["R1"], late, date(2026, 3, 2), ("withdrawn", date(2026, 3, 20)))
    _application(
        world.roles["R2"],
        late,
        date(2026, 3, 2),
        ("information-requested", date(2026, 3, 3)),
        ("approved", date(2026, 3, 6)),
    )
    funnel = build_report(ReportFilters(FEB_1, MAR_31)).funnel
    assert (funnel.applied, funnel.approved) == (6, 3)
    assert (funnel.decided, funnel.median_days) == (4, 3)  # 1, 2, 4 and 5 working days


def test_both_databases_give_the_same_answer_as_sql_in_the_period_with_no_rates(world):
    db.session.query(ValueRate).delete()
    db.session.commit()
    report = build_report(ReportFilters(FEB_1, MAR_31))
    assert (report.total.quarters, report.total.value_pence) == (54, 0)
    assert report.rates == []


# --- Slices and working days ---------------------------------------------------------------


def test_a_period_is_sliced_into_runs_of_whole_months_and_single_part_months():
    """A rate beginning mid-month makes that month's entries be read, at both rates; one
    beginning on the 1st starts a new run of whole months."""
    rates = [
        ValueRate(valid_from=date(2026, 1, 1), pence_per_hour=1000, source="a"),
        ValueRate(valid_from=date(2026, 3, 15), pence_per_hour=1200, source="b"),
        ValueRate(valid_from=date(2026, 6, 1), pence_per_hour=1300, source="c"),
    ]
    assert slices(date(2025, 12, 20), date(2026, 7, 10), rates) == [
        Slice(date(2025, 12, 20), date(2025, 12, 31), False, ((date(2025, 12, 20), None),)),
        Slice(date(2026, 1, 1), date(2026, 2, 28), True, ((date(2026, 1, 1), 1000),)),
        Slice(
            date(2026, 3, 1),
            date(2026, 3, 31),
            False,
            ((date(2026, 3, 1), 1000), (date(2026, 3, 15), 1200)),
        ),
        Slice(date(2026, 4, 1), date(2026, 5, 31), True, ((date(2026, 4, 1), 1200),)),
        Slice(date(2026, 6, 1), date(2026, 6, 30), True, ((date(2026, 6, 1), 1300),)),
        Slice(date(2026, 7, 1), date(2026, 7, 10), False, ((date(2026, 7, 1), 1300),)),
    ]


@given(
    st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=0, max_value=900),
)
def test_working_day_numbers_subtract_to_the_working_days_between(start, span):
    end = start + timedelta(days=span)
    assert working_day_number(end) - working_day_number(start) == working_days_between(start, end)


# --- Pages, downloads and who sees them ----------------------------------------------------


class _Tables(HTMLParser):
    """Each table's caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._in: str | None = None
        self._text = ""
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("caption", "td", "th"):
            self._in, self._text = tag, ""
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._in == "caption":
            self._caption = self._text.strip()
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._in == tag:
            self._row.append(" ".join(self._text.split()))
        elif tag == "tr" and self._caption is not None and self._row:
            self.tables[self._caption].append(self._row)
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _plain(cell: str) -> str:
    return cell.replace("£", "").replace(",", "")


def test_each_csv_opens_with_the_csv_module_and_matches_the_page(client, world):
    sign_in(client, world.staff)
    page = client.get("/staff/reports", query_string=PERIOD)
    assert page.status_code == 200
    tables = page_tables(page.get_data(as_text=True))
    for slug, caption in [
        ("hours-by-category", "Verified hours by kind of volunteering"),
        ("hours-by-area", "Verified hours by area"),
        ("hours-by-organisation-kind", "Verified hours by kind of organisation"),
        ("hours-by-month", "Verified hours by month"),
        ("new-volunteers", "New volunteers by area"),
        ("applications", "Applications made in the period"),
        ("training", "Training completed"),
    ]:
        response = client.get(f"/staff/reports/{slug}.csv", query_string=PERIOD)
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        shown = tables[caption]
        assert rows[0] == shown[0], slug
        assert [[row[0], *map(_plain, row[1:])] for row in shown[1:]] == rows[1:], slug
    hours = tables["Verified hours by kind of volunteering"]
    assert hours[1] == ["Libraries", "12", "3", "£128.00"]


def test_the_pdf_reads_back_with_the_headline_figures(client, world):
    sign_in(client, world.staff)
    response = client.get("/staff/reports/report.pdf", query_string=PERIOD)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for words in [
        "Impact report",
        "1 February 2026 to 31 March 2026",
        "13.5 hours",
        "£143",
        "Active volunteers",
        "Test rate two",
        "How the figures are worked out",
        "Reddish Library Friends",
    ]:
        assert words in text, words


def test_a_coordinators_report_holds_nothing_from_other_organisations(client, world):
    sign_in(client, world.coordinator)
    slug = world.organisations["O2"].slug
    page = client.get(f"/org/{slug}/reports", query_string=PERIOD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Marple Bakery" in html and "5 hours" in html
    for other in ("Reddish Library Friends", "Library induction", "New volunteers by"):
        assert other not in html, other
    cells = " | ".join(cell for rows in page_tables(html).values() for row in rows for cell in row)
    assert "Libraries" in cells and "Will" not in cells  # never a volunteer's name
    assert "Reddish" not in cells and "Parks" not in cells  # O1's area and kind
    csv_text = client.get(f"/org/{slug}/reports/hours-by-category.csv", query_string=PERIOD)
    assert csv_text.get_data(as_text=True).lstrip("\ufeff").splitlines()[1:] == [
        "Libraries,5,1,52.00"
    ]
    pdf = pdf_text(client.get(f"/org/{slug}/reports/report.pdf", query_string=PERIOD).data)
    assert "Marple Bakery" in pdf and "5 hours" in pdf
    assert "Reddish Library Friends" not in pdf and "Library induction" not in pdf
    other = world.organisations["O1"].slug
    assert client.get(f"/org/{other}/reports").status_code == 403


@pytest.mark.parametrize(
    "args, field, message",
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to", "same as or after the start date"),
        ({"from": "not a date"}, "from", "must be a real date"),
        ({"from": "1999-12-31"}, "from", "between 2000 and 2099"),
        ({"from": "2010-01-01", "to": "2020-01-01"}, "to", "up to 10 years"),
        ({"area": "999999"}, "area", "Choose from the list"),
        ({"kind": "pirate ship"}, "kind", "Choose from the list"),
        ({"to": "9999-12-31"}, "to", "between 2000 and 2099"),
        ({"from": "9999-12-31"}, "from", "between 2000 and 2099"),
        ({"from": "2089-06-01", "to": "2099-12-31"}, "to", "up to 10 years"),
        ({"to": "0001-01-01"}, "to", "between 2000 and 2099"),
        ({"from": "2000-01-01"}, "from", "up to 10 years"),  # to today, by default
        ({"from": "2026-02-01", "to": "2026-03-31", "category": "abc"}, "category", "Choose"),
    ],
)
def test_bad_filters_are_named_next_to_their_field(client, world, args, field, message):
    sign_in(client, world.staff)
    for url in ("/staff/reports", "/staff/reports/hours-by-month.csv", "/staff/reports/report.pdf"):
        response = client.get(url, query_string=args)
        assert response.status_code == 422, url
        html = response.get_data(as_text=True)
        assert message in html
        assert f'id="{field}-error"' in html


def test_the_report_pages_send_a_fixed_number_of_statements(client, world):
    """Every figure is an aggregate: forty more organisations, each with a role in a new kind
    and area, a volunteer's verified hours, an application and a completed course, add no
    statement. The signed-in user, (an organisation's page: the organisation,) the kinds and
    the areas for the filters, the hourly values, on PostgreSQL the room to sort, the hours
    by every grouping, the months, new volunteers (the hub's page), the applications,
    placements started and training."""
    sign_in(client, world.staff)
    urls = {
        "/staff/reports?from=2026-02-01&to=2026-03-31": 11,
        f"/org/{world.organisations['O1'].slug}/reports?from=2026-02-01&to=2026-03-31": 11,
    }
    first = {url: len(statements_for(client, url)) for url in urls}
    for number in range(40):
        organisation = make_organisation(name=f"Extra {number}")
        role = make_role(organisation, category=make_category(), locality=make_locality())
        volunteer = make_user()
        make_hours(make_placement(role, volunteer), date(2026, 3, 3), 4, status="approved")
        _application(role, make_user(), date(2026, 3, 4), ("approved", date(2026, 3, 5)))
        make_record(volunteer, make_course(organisation), completed_on=date(2026, 3, 6))
    for url, ceiling in urls.items():
        statements = statements_for(client, url)
        assert first[url] == len(statements) <= ceiling, "\n".join(statements)
    organisations = client.get("/staff/reports/hours-by-organisation.csv", query_string=PERIOD)
    assert len(organisations.text.splitlines()) == 1 + 2 + 40  # the heading, O1, O2, the new
    html = client.get("/staff/reports", query_string=PERIOD).text
    assert html.count("&amp;organisation=organisation-") == 20  # each row narrows the report
    page = page_tables(html)
    shown = page[
        "Verified hours by organisation: the 20 with the most hours of 42 (the CSV has them all)"
    ]
    assert len(shown) == 1 + 20


# --- The staff overview and the home page ----------------------------------------------------


def test_the_staff_overview_shows_the_chosen_periods_figures(client, world):
    """The last financial year (April 2025 to March 2026) holds the world's February and
    March, Vera's hour on 31 January (£10), the application of 15 January and the five
    placements the hours were logged on (applied for in November 2025; Erin's two were
    withdrawn when she erased her account)."""
    sign_in(client, world.staff)
    page = client.get("/staff/", query_string={"period": "last-year"})
    assert page.status_code == 200
    html = " ".join(page.get_data(as_text=True).split())
    assert "1 April 2025 to 31 March 2026" in html
    assert "<strong>14.5 hours</strong> Verified hours" in html
    assert "<strong>£153</strong> Social value" in html
    assert "<strong>10</strong> Applications" in html
    assert "<strong>4</strong> New volunteers" in html  # Pat joined in June 2025
    assert "Approved: 4" in html and "Withdrawn: 3" in html and "Not offered a place: 1" in html
    assert "hours entries to verify" in html  # the queues stay on the page


def test_the_staff_overview_refuses_a_period_it_does_not_know(client, world):
    sign_in(client, world.staff)
    page = client.get("/staff/", query_string={"period": "forever"})
    assert page.status_code == 422
    assert "Choose a period from the list" in page.get_data(as_text=True)


def test_the_home_page_shows_the_last_twelve_whole_months(client, world):
    with time_machine.travel(datetime(2027, 2, 15, 12, tzinfo=UTC), tick=False):
        page = client.get("/")
    html = " ".join(page.get_data(as_text=True).split())
    # February 2026 to January 2027: the period's 13.5 hours and Vera's hour on 1 April.
    verified = "<strong>14.5 hours</strong> of volunteering verified from 1 February 2026"
    assert f"{verified} to 31 January 2027" in html
    assert "<strong>3</strong> volunteers gave that time, with 2 organisations" in html


def test_a_retired_kind_of_volunteering_can_still_be_reported_on(client, world):
    """Staff retire a category; last year's report on it still works."""
    world.categories["A"].active = False
    db.session.commit()
    sign_in(client, world.staff)
    page = client.get(
        "/staff/reports", query_string=PERIOD | {"category": world.categories["A"].id}
    )
    assert page.status_code == 200
    assert "Libraries (no longer used)" in page.get_data(as_text=True)


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=40))
def test_the_weighted_median_is_the_median_of_the_values_written_out(values):
    assert activity.weighted_median(Counter(values)) == median(values)


def test_the_database_gives_each_time_its_local_day_either_side_of_the_clock_change(db):
    """23:30 UTC is the same day in winter (GMT) and the next day in summer (BST); the
    database's answer, on SQLite and PostgreSQL, is the one Python gives."""
    times = [
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # Saturday 23:30 GMT
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # Sunday 00:59 GMT, just before the change
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Sunday 02:00 BST
        datetime(2026, 7, 10, 23, 30, tzinfo=UTC),  # Saturday 00:30 BST
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # Sunday 01:30 BST
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # Sunday 23:30 GMT
    ]
    role = make_role()
    for moment in times:
        db.session.add(Placement(role=role, volunteer=make_user(), created_at=moment))
    db.session.commit()
    day = local_day(Placement.created_at, "Europe/London", db.session.get_bind().dialect.name)
    found = db.session.execute(select(Placement.created_at, day).order_by(Placement.created_at))
    assert [(moment, local) for moment, local in found] == [
        (moment, local_date(moment)) for moment in times
    ]


def test_the_pdf_is_tagged_and_names_the_hub_as_written(app, client, world):
    """Tagged for screen readers (a structure tree, marked content), and a hub name with an
    ampersand is printed as written in every page's footer."""
    app.config["HUB_NAME"] = "Kensington & Chelsea Volunteer Centre"
    sign_in(client, world.staff)
    pdf = client.get("/staff/reports/report.pdf", query_string=PERIOD).data
    catalogue = reader(pdf).trailer["/Root"]
    assert "/StructTreeRoot" in catalogue and "/MarkInfo" in catalogue
    pages = page_text(pdf)
    assert all("Kensington & Chelsea Volunteer Centre: impact report" in text for text in pages[1:])
    assert not any("&amp;" in text for text in pages)
