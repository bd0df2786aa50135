"""The ceremony: a certificate for each outcome when a category is locked, kept from view until
the results are published; the ceremony pack (one page per certificate, by category, winners
last); the running order with 50-word citations as PDF and CSV; `flask hub ceremony-pack`."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import sqlalchemy as sa

from tests.awards_factories import make_award_category, make_cycle, make_nomination
from tests.factories import make_staff, make_user
from tests.pdfs import is_a4_landscape, page_text
from volunteer_hub.awards import ceremony, services
from volunteer_hub.awards.models import Outcome
from volunteer_hub.awards.packs import CeremonyPack
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.extensions import db as _db

LONG_STATEMENT = " ".join(f"word{number}" for number in range(80))


def locked_cycle(year: int = 2026):
    """Two categories, each with a winner, a highly commended and a shortlisted nominee, the
    winner of the first linked to an account; both locked by staff."""
    staff = make_staff()
    cycle = make_cycle(year)
    winner_account = make_user(name="Wendy Winner")
    first = make_award_category(cycle, "Young volunteer of the year", position=1)
    second = make_award_category(cycle, "Volunteer team of the year", position=2)
    made = {}
    for category in (first, second):
        for outcome, name in (
            (Outcome.WINNER, f"{category.name} winner"),
            (Outcome.SHORTLISTED, f"{category.name} shortlisted"),
            (Outcome.HIGHLY_COMMENDED, f"{category.name} commended"),
        ):
            nomination = make_nomination(
                category, status="shortlisted", nominee_name=name, statement=LONG_STATEMENT
            )
            nomination.outcome = outcome
            made[name] = nomination
    made["Young volunteer of the year winner"].nominee_user_id = winner_account.id
    _db.session.commit()
    for category in (first, second):
        services.lock_category(category, staff)
    _db.session.commit()
    return cycle, staff, winner_account, made


def test_locking_issues_a_certificate_per_outcome_kept_from_view_until_published(
    app, client, login_as, db
):
    cycle, staff, winner, _ = locked_cycle()
    certificates = _db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
    assert len(certificates) == 6 and all(c.kind == "award" and c.withheld for c in certificates)
    (mine,) = [c for c in certificates if c.recipient_id == winner.id]
    assert mine.title == "Young volunteer of the year 2026: Winner"
    assert client.get(f"/certificates/{mine.code}").status_code == 404  # not yet public
    signed_in = login_as(winner)
    assert signed_in.get(f"/certificates/{mine.code}.pdf").status_code == 404
    assert "Young volunteer" not in signed_in.get("/me/certificates").text
    assert login_as(staff).get(f"/certificates/{mine.code}").status_code == 200
    services.publish_results(cycle, staff)
    _db.session.commit()
    assert "genuine" in client.get(f"/certificates/{mine.code}").text
    assert login_as(winner).get(f"/certificates/{mine.code}.pdf").status_code == 200
    assert "Young volunteer of the year 2026: Winner" in login_as(winner).get("/me").text


def test_the_pack_has_one_page_per_certificate_by_category_winners_last(app, db):
    cycle, *_ = locked_cycle()
    with app.test_request_context():
        pdf = ceremony.ceremony_pack(cycle)
    pages = [" ".join(text.split()) for text in page_text(pdf)]  # names may wrap
    assert is_a4_landscape(pdf) and len(pages) == 6
    order = [
        "Young volunteer of the year shortlisted",
        "Young volunteer of the year commended",
        "Young volunteer of the year winner",
        "Volunteer team of the year shortlisted",
        "Volunteer team of the year commended",
        "Volunteer team of the year winner",
    ]
    assert [name in page for name, page in zip(order, pages, strict=True)] == [True] * 6


def test_the_running_order_carries_50_word_citations_staff_can_edit(app, client, login_as, db):
    cycle, staff, _, made = locked_cycle()
    rows = ceremony.running_order(cycle)
    assert [row.outcome for row in rows[:3]] == ["Shortlisted", "Highly commended", "Winner"]
    assert all(len(row.citation.rstrip("…").split()) == 50 for row in rows)
    signed_in = login_as(staff)
    nomination = made["Volunteer team of the year winner"]
    too_long = signed_in.post(
        f"/staff/awards/nominations/{nomination.id}/citation", data={"citation": LONG_STATEMENT}
    )
    assert too_long.status_code == 422 and "50 words or fewer" in too_long.text
    saved = signed_in.post(
        f"/staff/awards/nominations/{nomination.id}/citation",
        data={"citation": "=Ran the food bank through the floods."},
    )
    assert saved.status_code == 302
    response = signed_in.get("/staff/awards/2026/ceremony/running-order.csv")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ceremony.RUNNING_ORDER_HEADER and len(table) == 7
    assert table[6][2:] == [
        "Winner",
        "Volunteer team of the year winner",
        "'=Ran the food bank through the floods.",
    ]
    pdf = signed_in.get("/staff/awards/2026/ceremony/running-order.pdf")
    assert pdf.mimetype == "application/pdf" and "Ran the food bank" in "".join(page_text(pdf.data))
    page = signed_in.get("/staff/awards/2026/ceremony")
    assert page.status_code == 200 and "Make the ceremony pack" in page.text


def test_no_pack_until_every_category_is_locked(client, login_as, db):
    cycle = make_cycle(2026)
    make_award_category(cycle, "Volunteer of the year")
    signed_in = login_as(make_staff())
    assert signed_in.post("/staff/awards/2026/ceremony/packs").status_code == 409
    assert "once every category" in signed_in.get("/staff/awards/2026/ceremony").text


def test_the_ceremony_pack_command_writes_the_pack_with_progress(app, runner, db, tmp_path):
    locked_cycle()
    out = tmp_path / "pack.pdf"
    result = runner.invoke(args=["hub", "ceremony-pack", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 6 certificates" in result.output
    assert len(page_text(out.read_bytes())) == 6
    missing = runner.invoke(args=["hub", "ceremony-pack", "--year", "1999", "--out", str(out)])
    assert missing.exit_code != 0 and "no awards cycle for 1999" in missing.output


def finished(pack_id: int) -> None:
    """Wait for the thread making the pack (no sleeping: join it)."""
    for thread in threading.enumerate():
        if thread.name == f"ceremony-pack-{pack_id}":
            thread.join(timeout=60)


def test_staff_make_the_pack_in_the_background_and_follow_its_progress(app, client, login_as, db):
    locked_cycle()
    signed_in = login_as(make_staff())
    page = signed_in.get("/staff/awards/2026/ceremony")
    assert "Make the ceremony pack" in page.text
    asked = signed_in.post("/staff/awards/2026/ceremony/packs")
    assert asked.status_code == 302
    (pack_id,) = _db.session.scalars(sa.select(CeremonyPack.id)).all()
    assert asked.headers["Location"].endswith(f"/staff/awards/2026/ceremony/packs/{pack_id}")
    finished(pack_id)
    _db.session.expire_all()
    progress = signed_in.get(asked.headers["Location"])
    assert "The pack is ready: 6 certificates" in progress.text
    pdf = signed_in.get(f"/staff/awards/2026/ceremony/packs/{pack_id}.pdf")
    assert pdf.mimetype == "application/pdf" and len(page_text(pdf.data)) == 6


def test_a_pack_being_made_shows_its_progress_and_one_that_stopped_can_be_asked_again(
    app, client, login_as, db
):
    cycle, staff, *_ = locked_cycle()
    making = CeremonyPack(cycle_id=cycle.id, done=3, total=7, requested_by_id=staff.id)
    _db.session.add(making)
    _db.session.commit()
    signed_in = login_as(staff)
    page = signed_in.get(f"/staff/awards/2026/ceremony/packs/{making.id}")
    assert "3 of 7 steps done (43%)" in page.text and "Check progress" in page.text
    assert signed_in.get(f"/staff/awards/2026/ceremony/packs/{making.id}.pdf").status_code == 409
    again = signed_in.post("/staff/awards/2026/ceremony/packs")  # still being made: the same
    assert again.headers["Location"].endswith(f"/packs/{making.id}")
    making.requested_at = making.requested_at - timedelta(minutes=11)
    _db.session.commit()
    assert "stopped before it was finished" in signed_in.get(again.headers["Location"]).text
    fresh = signed_in.post("/staff/awards/2026/ceremony/packs")
    assert not fresh.headers["Location"].endswith(f"/packs/{making.id}")
    finished(int(fresh.headers["Location"].rsplit("/", 1)[1]))


def test_results_stay_out_of_the_account_export_until_published(app, login_as, db):
    cycle, staff, winner, made = locked_cycle()
    nomination = made["Young volunteer of the year winner"]
    nomination.nominator_email = winner.email  # she also nominated herself, say
    _db.session.commit()
    export = login_as(winner).get("/account/export").get_json()
    assert export["certificates"] == []
    received = export["nominations_received"]
    assert [n["outcome"] for n in received] == [None]
    assert "nominator_email" not in received[0] and "nominator_name" not in received[0]
    assert [n["outcome"] for n in export["nominations_made"]] == [None]
    services.publish_results(cycle, staff)
    _db.session.commit()
    export = login_as(winner).get("/account/export").get_json()
    assert [c["title"] for c in export["certificates"]] == [
        "Young volunteer of the year 2026: Winner"
    ]
    assert [n["outcome"] for n in export["nominations_received"]] == ["winner"]
