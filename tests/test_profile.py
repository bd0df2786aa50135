"""The volunteer profile: contact, locality, skills, interests, availability, consents."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_category, make_locality, make_skill, make_user
from tests.helpers import row_counts
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.contact import normalise_phone, normalise_postcode, outward_code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sk13xe", "SK1 3XE"),
        (" m14  5ab ", "M14 5AB"),
        ("EC1A1BB", "EC1A 1BB"),
        ("w1a 0ax", "W1A 0AX"),
    ],
)
def test_postcodes_are_stored_upper_case_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored
    assert outward_code(stored) == stored.split()[0]


@pytest.mark.parametrize("typed", ["", "SK1", "12345", "SK1 3X", "QQ1 1AA", "SK1 3XEE"])
def test_things_that_are_not_postcodes_are_refused(typed):
    assert normalise_postcode(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("0161 496 0000", "+441614960000"),
    ],
)
def test_phone_numbers_are_stored_in_international_form(typed, stored):
    assert normalise_phone(typed) == stored


def profile_form(**overrides):
    return {
        "phone": "07700 900982",
        "postcode": "sk4 4ab",
        "locality": "",
        "date_of_birth": "1990-05-17",
        "employer": "",
        "emergency_contact_name": "Kofi Mensah",
        "emergency_contact_phone": "0161 496 0000",
        "emergency_contact_relationship": "partner",
        "contact_by_email": "y",
    } | overrides


def test_a_volunteer_fills_in_their_profile(client, login_as, db):
    user = make_user(profile=False)
    locality = make_locality("Reddish")
    skills = [make_skill("First aid"), make_skill("Driving")]
    category = make_category("Food and poverty")
    login_as(user)
    assert client.get("/account/profile").status_code == 200
    response = client.post(
        "/account/profile",
        data=profile_form(
            locality=str(locality.id),
            skills=[str(skill.id) for skill in skills],
            interests=[str(category.id)],
            availability=["monday-morning", "saturday-afternoon"],
        ),
    )
    assert response.status_code == 302
    profile = user.profile
    assert profile.phone == "+447700900982"
    assert profile.postcode == "SK4 4AB"
    assert profile.locality.name == "Reddish"
    assert [skill.name for skill in profile.skills] == ["Driving", "First aid"]
    assert [category.name for category in profile.interests] == ["Food and poverty"]
    assert profile.period_slugs == {"monday-morning", "saturday-afternoon"}
    assert profile.emergency_contact_phone == "+441614960000"
    assert profile.contact_by_email and not profile.contact_by_sms
    assert not profile.marketing_consent
    page = client.get("/account").get_data(as_text=True)
    assert "07700 900982" in page and "Reddish" in page


def test_the_newsletter_box_starts_unticked_and_consent_is_recorded(client, login_as, db):
    user = make_user()
    login_as(user)
    form = client.get("/account/profile").get_data(as_text=True)
    assert (
        'name="marketing" type="checkbox" value="y">' in form
        or 'id="marketing" name="marketing" type="checkbox" value="y">' in form
    )
    client.post("/account/profile", data=profile_form(marketing="y"))
    assert user.profile.marketing_consent
    client.post("/account/profile", data=profile_form())
    assert not user.profile.marketing_consent
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["consent.marketing_given", "consent.marketing_withdrawn"]


def test_unticking_every_period_clears_availability(client, login_as, db):
    user = make_user()
    login_as(user)
    client.post("/account/profile", data=profile_form(availability=["sunday-evening"]))
    assert user.profile.period_slugs == {"sunday-evening"}
    client.post("/account/profile", data=profile_form())
    assert user.profile.period_slugs == set()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "Enter a phone number"),
        ("postcode", "nowhere", "real UK postcode"),
        ("date_of_birth", "2090-01-01", "must be in the past"),
        ("date_of_birth", "not a date", "Not a valid date"),
        ("emergency_contact_phone", "", "phone number for your emergency contact"),
        ("availability", "friday-midnight", "is not a valid choice"),
    ],
)
def test_bad_profile_input_shows_the_error_and_saves_nothing(
    client, login_as, db, field, value, message
):
    user = make_user()
    login_as(user)
    before = row_counts()
    response = client.post("/account/profile", data=profile_form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert row_counts() == before
    assert user.profile.phone is None
