"""Hub staff: volunteers and their checks, reference lists, settings, access levels, audit."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.factories import make_admin, make_check, make_locality, make_staff, make_user
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.reference.models import Locality, Setting
from volunteer_hub.reference.settings import get_setting
from volunteer_hub.volunteers.models import Check


def actions(db) -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


CHECK = {
    "kind": "DBS",
    "level": "enhanced-barred-children",
    "certificate_number": "001122334455",
    "issued_on": "2025-09-01",
    "update_service": "y",
    "last_status_check_on": "2026-01-10",
}


def test_staff_record_a_check_and_it_is_audited(client, login_as, db):
    staff = make_staff()
    volunteer = make_user(name="Ifeoma Okafor")
    login_as(staff)
    response = client.post(f"/staff/volunteers/{volunteer.id}/checks/new", data=CHECK)
    assert response.status_code == 302
    check = db.session.scalar(sa.select(Check))
    assert check.volunteer_id == volunteer.id
    assert check.checked_by_id == staff.id
    assert check.level == "enhanced-barred-children"
    assert actions(db)[-1] == "check.recorded"
    page = client.get(f"/staff/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "001122334455" in page and "children&#39;s barred list" in page


def test_staff_correct_a_check(client, login_as, db):
    staff = make_staff()
    check = make_check(make_user(), checked_by=staff)
    login_as(staff)
    assert client.get(f"/staff/checks/{check.id}/edit").status_code == 200
    response = client.post(f"/staff/checks/{check.id}/edit", data=CHECK | {"level": "basic"})
    assert response.status_code == 302
    assert db.session.get(Check, check.id).level == "basic"
    assert actions(db)[-1] == "check.corrected"


def test_a_status_check_needs_the_update_service(client, login_as, db):
    staff = make_staff()
    volunteer = make_user()
    login_as(staff)
    data = CHECK | {"update_service": ""}
    response = client.post(f"/staff/volunteers/{volunteer.id}/checks/new", data=data)
    assert response.status_code == 422
    assert "needs the volunteer to be on the Update Service" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Check)) == 0


def test_volunteers_never_see_check_records(client, login_as, db):
    volunteer = make_user()
    check = make_check(volunteer)
    login_as(volunteer)
    assert client.get(f"/staff/volunteers/{volunteer.id}").status_code == 403
    assert client.get(f"/staff/checks/{check.id}/edit").status_code == 403
    assert check.certificate_number not in client.get("/account").get_data(as_text=True)


def test_staff_search_volunteers_by_name(client, login_as, db):
    make_user(name="Bronwen Pritchard")
    make_user(name="Tomasz Nowak")
    login_as(make_staff())
    page = client.get("/staff/volunteers", query_string={"q": "bronwen"}).get_data(as_text=True)
    assert "Bronwen Pritchard" in page and "Tomasz Nowak" not in page


def test_staff_add_rename_and_retire_a_locality(client, login_as, db):
    login_as(make_staff())
    response = client.post(
        "/staff/reference/localities/new", data={"name": "Woodford", "active": "y"}
    )
    assert response.status_code == 302
    locality = db.session.scalar(sa.select(Locality))
    assert locality.slug == "woodford"
    edit = f"/staff/reference/localities/{locality.id}/edit"
    client.post(edit, data={"name": "Woodford village", "description": ""})
    db.session.refresh(locality)
    assert locality.name == "Woodford village" and locality.slug == "woodford"
    assert not locality.active
    assert actions(db)[-2:] == ["reference.created", "reference.updated"]
    client.get("/staff/reference/localities")  # shows the flash message
    signup = client.get("/signup").get_data(as_text=True)
    assert "Woodford village" not in signup


def test_a_duplicate_reference_name_is_refused(client, login_as, db):
    make_locality("Marple")
    login_as(make_staff())
    response = client.post(
        "/staff/reference/localities/new", data={"name": "marple", "active": "y"}
    )
    assert response.status_code == 422
    assert "already a locality with that name" in response.get_data(as_text=True)


def test_an_unknown_reference_kind_is_404(client, login_as):
    login_as(make_staff())
    assert client.get("/staff/reference/wizards").status_code == 404


def test_admins_change_settings_within_bounds(client, login_as, db):
    login_as(make_admin())
    page = client.get("/staff/settings").get_data(as_text=True)
    assert "50, 100, 250, 500, 1000" in page
    data = {
        "application_response_days": "7",
        "offer_hours": "72",
        "cancellation_cutoff_hours": "24",
        "dbs_recheck_months": "36",
        "milestone_hours": "1000, 25, 50",
        "retention_inactive_months": "36",
        "retention_warning_days": "30",
    }
    assert client.post("/staff/settings", data=data).status_code == 302
    assert get_setting("application_response_days") == 7
    assert get_setting("milestone_hours") == [25, 50, 1000]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 2
    assert actions(db)[-2:] == ["setting.changed", "setting.changed"]
    bad = client.post("/staff/settings", data=data | {"offer_hours": "-1"})
    assert bad.status_code == 422
    assert "Enter a whole number" in bad.get_data(as_text=True)


def test_staff_cannot_change_settings_or_access_levels(client, login_as):
    staff = make_staff()
    login_as(staff)
    assert client.get("/staff/settings").status_code == 403
    assert client.get("/staff/users").status_code == 403
    assert (
        client.post(f"/staff/users/{staff.id}/access", data={"access_level": "admin"}).status_code
        == 403
    )


def test_an_admin_makes_someone_staff_and_their_session_ends(app, client, login_as, db):
    volunteer = make_user(email="vol@example.org")
    device = app.test_client()
    device.post(
        "/login", data={"email": "vol@example.org", "password": "correct horse battery staple"}
    )
    login_as(make_admin())
    response = client.post(f"/staff/users/{volunteer.id}/access", data={"access_level": "staff"})
    assert response.status_code == 302
    assert db.session.get(User, volunteer.id).is_staff
    assert actions(db)[-1] == "account.access_changed"
    assert device.get("/account").status_code == 302


def test_the_last_admin_cannot_step_down(client, login_as, db):
    admin = make_admin()
    login_as(admin)
    response = client.post(f"/staff/users/{admin.id}/access", data={"access_level": "staff"})
    assert response.status_code == 422
    assert db.session.get(User, admin.id).is_admin


def test_the_audit_trail_lists_decisions_and_filters_by_action(client, login_as, db):
    staff = make_staff(name="Gareth Jones")
    login_as(staff)
    client.post("/staff/reference/localities/new", data={"name": "Woodford", "active": "y"})
    page = client.get("/staff/audit", query_string={"action": "reference.created"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "reference.created" in text and "Gareth Jones" in text


def test_the_volunteer_record_shows_when_a_check_is_due_again(client, login_as, db):
    staff = make_staff()
    volunteer = make_user()
    make_check(volunteer, checked_by=staff, update_service=False, issued_on=date(2021, 2, 1))
    make_check(
        volunteer,
        checked_by=staff,
        update_service=False,
        issued_on=date(2025, 5, 31),
        certificate_number="001111111111",
    )
    login_as(staff)
    page = client.get(f"/staff/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "Re-check overdue since 1 February 2024" in page
    assert "Re-check due 31 May 2028" in page


def test_only_dbs_certificates_can_be_on_the_update_service(client, login_as, db):
    login_as(make_staff())
    volunteer = make_user()
    response = client.post(
        f"/staff/volunteers/{volunteer.id}/checks/new",
        data=CHECK | {"kind": "PVG", "level": "enhanced", "last_status_check_on": ""},
    )
    assert response.status_code == 422
    assert "Only DBS certificates" in response.get_data(as_text=True)
