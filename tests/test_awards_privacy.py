"""Nominations in the account export (made and received, statements included) and their
anonymisation when the account is erased."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.awards_factories import make_award_category, make_cycle, make_nomination
from tests.factories import make_staff, make_user
from volunteer_hub.awards.models import Nomination
from volunteer_hub.extensions import db
from volunteer_hub.privacy import erase_account


def setup_nominations():
    ann = make_user(name="Ann Able", email="ann@example.org")
    category = make_award_category(make_cycle(2026), "Volunteer of the year")
    made = make_nomination(
        category,
        nominator_name="Ann Able",
        nominator_email="ANN@example.org",
        nominee_name="Bo Bright",
        statement="Bo runs the food bank.",
    )
    received = make_nomination(
        category,
        nominee_name="Ann Able",
        nominee_contact="07700 900111",
        nominee_user_id=ann.id,
        statement="Ann reads to children.",
    )
    merged = make_nomination(
        category,
        status="merged",
        merged_into_id=received.id,
        nominee_name="Ann A",
        statement="Ann is kind.",
    )
    other = make_nomination(category, nominee_name="Cy Other", statement="Cy helps.")
    return ann, made, received, merged, other


def test_the_export_holds_nominations_made_and_received(client, login_as):
    ann, made, received, merged, other = setup_nominations()
    login_as(ann)
    export = json.loads(client.get("/account/export").text)
    assert [n["id"] for n in export["nominations_made"]] == [made.id]
    assert export["nominations_made"][0]["statement"] == "Bo runs the food bank."
    assert {n["id"] for n in export["nominations_received"]} == {received.id, merged.id}
    assert "Ann reads to children." in json.dumps(export["nominations_received"])
    assert "Cy helps." not in json.dumps(export)


def test_erasure_anonymises_nominations_and_keeps_counts(app):
    ann, made, received, merged, other = setup_nominations()
    before = db.session.scalar(select(func.count()).select_from(Nomination))
    erase_account(ann, make_staff())
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == before
    assert (made.nominator_name, made.nominator_email) == ("Erased", "erased@invalid")
    assert made.statement == "Bo runs the food bank."  # about someone else: kept
    for about in (received, merged):
        assert about.nominee_name == "Erased" and about.statement == ""
    assert received.nominee_user_id is None and received.nominee_contact == ""
    assert (other.nominee_name, other.statement) == ("Cy Other", "Cy helps.")
