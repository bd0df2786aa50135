"""Demo awards (`flask hub seed-demo`): last year's results published, this year's cycle open
today with nominations to review and two judges; a second run adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_hub.awards.models import AwardCycle, JudgeAssignment, Nomination
from volunteer_hub.awards.queries import count_waiting
from volunteer_hub.clock import local_today
from volunteer_hub.database import utcnow


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_adds_a_past_and_a_current_awards_cycle_once(runner, db, client):
    result = runner.invoke(args=["hub", "seed-demo"])
    assert result.exit_code == 0, result.output
    year = local_today().year
    past = db.session.scalar(sa.select(AwardCycle).where(AwardCycle.year == year - 1))
    current = db.session.scalar(sa.select(AwardCycle).where(AwardCycle.year == year))
    assert past.published and all(category.locked for category in past.categories)
    assert len(past.categories) == 6
    assert current.is_open(utcnow()) and not current.published
    assert count_waiting() > 0
    judges = {a.judge_id for a in db.session.scalars(sa.select(JudgeAssignment))}
    assert len(judges) == 2
    linked = db.session.scalars(
        sa.select(Nomination).where(
            Nomination.outcome == "winner", Nomination.nominee_user_id.is_not(None)
        )
    ).all()
    assert linked
    page = client.get("/awards").text
    assert "Nominate someone" in page and f"Riverside Volunteer Awards {year - 1}: results" in page
    assert f"Winner:</strong> {linked[0].nominee_name}" in client.get(f"/awards/{year - 1}").text

    counts = {model: count(db, model) for model in (AwardCycle, Nomination, JudgeAssignment)}
    again = runner.invoke(args=["hub", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert {model: count(db, model) for model in counts} == counts
