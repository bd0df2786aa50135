"""Hours and the person's data: the account export holds their entries (with each one's
history) and milestones; erasure keeps the entries and milestones, so every total stays
true, but blanks what was written about the person and rejects hours nobody can now verify."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import (
    PASSWORD,
    make_category,
    make_hours,
    make_locality,
    make_organisation,
    make_placement,
    make_role,
    make_staff,
    make_user,
)
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.extensions import db as _db
from volunteer_hub.hours import services
from volunteer_hub.hours.models import (
    HoursEntry,
    HoursEvent,
    Milestone,
    RoleMonthHours,
    VolunteerMonthHours,
)
from volunteer_hub.hours.totals import hub_total, totals_by, totals_by_month, volunteer_totals
from volunteer_hub.privacy import erase_account, export_account

NOW = "2026-11-20 10:00:00+00:00"
TODAY = date(2026, 11, 20)


@pytest.fixture
def story(db):
    """Zoë reads stories at the library: 60 verified hours (past the 50-hour milestone),
    hours waiting, queried (with a question naming her) and rejected; Yan reads too."""
    with time_machine.travel(NOW, tick=False):
        cora = make_user(name="Cora Coordinator", email="cora@library.example")
        library = make_organisation(name="Reddish Library", manager=cora)
        role = make_role(
            library,
            title="Story time reader",
            category=make_category("Arts and culture"),
            locality=make_locality("Reddish"),
        )
        zoe = make_user(name="Zoë Quennell", email="zoe.quennell@example.org")
        yan = make_user(name="Yan Yeoman", email="yan@example.org")
        zoes = make_placement(role, zoe)
        yans = make_placement(role, yan)
        for month in range(1, 11):
            make_hours(zoes, date(2026, month, 3), 24, status="approved")
        waiting = make_hours(zoes, date(2026, 11, 2), 8)
        queried = make_hours(
            zoes, date(2026, 11, 3), 6, status="queried", message="Zoë, was this 1.5 or 2?"
        )
        rejected = make_hours(
            zoes, date(2026, 11, 4), 5, status="rejected", message="Zoë was on holiday"
        )
        make_hours(yans, date(2026, 11, 5), 12, status="approved")
        make_hours(yans, date(2026, 11, 6), 3)
        yield {
            "cora": cora,
            "library": library,
            "role": role,
            "zoe": zoe,
            "yan": yan,
            "waiting": waiting,
            "queried": queried,
            "rejected": rejected,
        }


def test_the_account_export_holds_the_persons_hours_and_milestones(story, client, login_as):
    response = login_as(story["zoe"]).get("/account/export")
    data = json.loads(response.get_data(as_text=True))
    entries = data["hours_entries"]
    assert len(entries) == 13
    assert {e["role"] for e in entries} == {"Story time reader"}
    assert {e["organisation"] for e in entries} == {"Reddish Library"}
    queried = next(e for e in entries if e["status"] == "queried")
    assert queried == queried | {
        "worked_on": "2026-11-03",
        "hours": 1.5,
        "quarters": 6,
        "note": "Helped out",
        "message": "Zoë, was this 1.5 or 2?",
        "verified_by": "Vera Verifier",
    }
    assert [(h["action"], h["status"], h["message"]) for h in queried["history"]] == [
        ("logged", "pending", ""),
        ("queried", "queried", "Zoë, was this 1.5 or 2?"),
    ]
    assert queried["history"][0]["by"] == "Zoë Quennell"
    assert [m["hours"] for m in data["milestones"]] == [50]
    assert "Yan Yeoman" not in response.get_data(as_text=True)
    assert "2026-11-05" not in response.get_data(as_text=True)  # Yan's day


def figures(volunteer_id: int) -> dict[str, object]:
    """Every total the hub shows that Zoë's hours are part of."""
    return {
        "volunteer": volunteer_totals(volunteer_id, TODAY),
        "hub": hub_total(),
        "months": totals_by_month(),
        **{grouping: totals_by(grouping) for grouping in GROUPINGS},
        "volunteer rollup": sorted(
            (r.volunteer_id, r.role_id, r.month, r.quarters)
            for r in _db.session.scalars(sa.select(VolunteerMonthHours))
        ),
        "role rollup": sorted(
            (r.role_id, r.month, r.quarters) for r in _db.session.scalars(sa.select(RoleMonthHours))
        ),
        "approved entries": _db.session.scalar(
            sa.select(sa.func.sum(HoursEntry.quarters)).where(HoursEntry.status == "approved")
        ),
        "people with hours": _db.session.scalar(
            sa.select(sa.func.count(sa.distinct(HoursEntry.volunteer_id)))
        ),
    }


GROUPINGS = ("role", "organisation", "category", "locality")


def test_erasure_keeps_every_total_and_blanks_what_was_written(story, db):
    zoe = story["zoe"]
    with time_machine.travel(NOW, tick=False):
        before = figures(zoe.id)
        erase_account(zoe, zoe)
        db.session.commit()
        after = figures(zoe.id)
    assert after == before
    assert before["volunteer"].lifetime == 240  # 60 hours
    entries = db.session.scalars(
        sa.select(HoursEntry).where(HoursEntry.volunteer_id == zoe.id).order_by(HoursEntry.id)
    ).all()
    assert len(entries) == 13  # still hers: her anonymous account's
    assert {e.note for e in entries} == {""}
    assert [(e.status, e.message) for e in entries if e.status != "approved"] == [
        ("rejected", "account erased"),  # was waiting
        ("rejected", "account erased"),  # was queried
        ("rejected", ""),  # already rejected: the reason about her is gone
    ]
    events = db.session.scalars(
        sa.select(HoursEvent).where(HoursEvent.entry_id.in_([e.id for e in entries]))
    ).all()
    assert {e.message for e in events} == {"", "account erased"}
    assert zoe.id not in {e.actor_id for e in events}
    assert db.session.scalars(sa.select(Milestone.hours)).all() == [50]
    erased = db.session.get(User, zoe.id)
    assert erased.deleted_at is not None and erased.name == "Erased account"
    # Yan's hours are untouched, his waiting hours too.
    yans = db.session.scalars(
        sa.select(HoursEntry).where(HoursEntry.volunteer_id == story["yan"].id)
    ).all()
    assert sorted((e.status, e.note) for e in yans) == [
        ("approved", "Helped out"),
        ("pending", "Helped out"),
    ]


def test_erasure_through_the_account_page_leaves_her_words_nowhere(story, client, login_as, db):
    zoe = story["zoe"]
    login_as(zoe)
    with time_machine.travel(NOW, tick=False):
        response = client.post("/account/delete", data={"confirm": "y", "password": PASSWORD})
    assert response.status_code == 302
    texts = [
        str(value)
        for table in (HoursEntry.__table__, HoursEvent.__table__, AuditEvent.__table__)
        for row in db.session.execute(sa.select(table))
        for value in row
    ]
    assert not [text for text in texts if "Zoë" in text or "holiday" in text]
    # The organisation's export still counts her verified hours, with nobody named.
    rows = list(
        csv.DictReader(
            io.StringIO(
                login_as(story["cora"])
                .get(f"/org/{story['library'].slug}/hours.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    hers = [row for row in rows if row["Volunteer"] == "Erased account"]
    assert len(hers) == 10
    assert {row["Email"] for row in hers} == {""}


def test_erasing_a_volunteer_with_nothing_waiting_changes_no_entry(story, db):
    yan = story["yan"]
    with time_machine.travel(NOW, tick=False):
        services.decide(
            db.session.scalars(
                sa.select(HoursEntry).where(
                    HoursEntry.volunteer_id == yan.id, HoursEntry.status == "pending"
                )
            ).one(),
            "approve",
            make_staff(),
        )
        db.session.commit()
        assert services.reject_for_erasure(yan) == 0
        erase_account(yan, None, reason="retention")
        db.session.commit()
    statuses = db.session.scalars(
        sa.select(HoursEntry.status).where(HoursEntry.volunteer_id == yan.id)
    ).all()
    assert statuses == ["approved", "approved"]


def test_the_export_of_an_account_with_no_hours_has_empty_sections(db):
    data = export_account(make_user())
    assert data["hours_entries"] == [] and data["milestones"] == []
