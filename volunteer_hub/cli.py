"""The `flask hub ...` commands."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from .auth.models import AccessLevel
from .auth.passwords import password_problem
from .auth.services import find_user_by_email, make_staff_user
from .extensions import db
from .jobs import JOBS, SCHEDULE, build_scheduler, run_job


@click.group()
def hub() -> None:
    """Volunteer Hub commands."""


@hub.command("ensure-secret-key")
@with_appcontext
def ensure_secret_key() -> None:
    """Write a random SECRET_KEY into instance/config.py when none is configured."""
    if current_app.config.get("SECRET_KEY"):
        click.echo("A SECRET_KEY is configured.")
        return
    folder = Path(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.py"
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"\nSECRET_KEY = {secrets.token_hex(32)!r}\n")
    config.chmod(0o600)
    click.echo(f"Wrote a new SECRET_KEY to {config}.")


@hub.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option(
    "--level",
    type=click.Choice([level.value for level in AccessLevel]),
    default=AccessLevel.STAFF,
    show_default=True,
)
@click.password_option()
@with_appcontext
def create_user(email: str, name: str, level: str, password: str) -> None:
    """Create a verified account, usually for hub staff or an admin."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"That email address will not do: {error}") from error
    if find_user_by_email(email) is not None:
        raise click.ClickException(f"An account with the email {email} already exists.")
    problem = password_problem(password, personal=(name, email))
    if problem:
        raise click.ClickException(problem)
    user = make_staff_user(name, email, password, AccessLevel(level))
    db.session.commit()
    click.echo(f"Created {user.access_level} account {user.email}.")


@hub.command("seed-reference")
@with_appcontext
def seed_reference() -> None:
    """Add the standard categories and skills that are missing (run once on a new hub)."""
    from .reference.services import seed_reference_data

    seed_reference_data(click.echo)
    db.session.commit()


@hub.command("seed-demo")
@click.option("--volunteers", default=220, show_default=True, help="How many volunteers.")
@with_appcontext
def seed_demo(volunteers: int) -> None:
    """Fill the database with a realistic demo borough (safe to run again)."""
    from .seed import DEMO_PASSWORD, seed_demo_data

    logins = seed_demo_data(volunteer_count=volunteers, progress=click.echo)
    click.echo("\nDemo logins (password for all: " + DEMO_PASSWORD + "):")
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")


@hub.command("bench-data")
@click.option("--volunteers", default=50000, show_default=True, help="Volunteers in all.")
@click.option("--organisations", default=2000, show_default=True, help="Organisations in all.")
@click.option("--roles", default=10000, show_default=True, help="Published roles in all.")
@click.option(
    "--hours",
    default=1_000_000,
    show_default=True,
    help="Approved hours entries in all, over the bench volunteers.",
)
@click.option(
    "--applications",
    default=300_000,
    show_default=True,
    help="Placements in all (the hours' two a volunteer included), with their timelines.",
)
@click.option(
    "--training",
    default=300_000,
    show_default=True,
    help="Training records in all, over the bench volunteers and bench courses.",
)
@with_appcontext
def bench_data(
    volunteers: int, organisations: int, roles: int, hours: int, applications: int, training: int
) -> None:
    """Fill the database with many volunteers, organisations, roles, hours, applications and
    training records for bench/, and two hourly values for the impact report."""
    from .bench_applications import seed_bench_applications
    from .bench_data import seed_bench_data
    from .bench_hours import seed_bench_hours, seed_bench_rates
    from .bench_roles import seed_bench_roles
    from .bench_training import seed_bench_training
    from .clock import local_today
    from .database import refresh_statistics

    added = seed_bench_data(volunteers, progress=click.echo)
    click.echo(f"Added {added:,} bench volunteers.")
    added = seed_bench_roles(organisations, roles, progress=click.echo)
    click.echo(f"Added {added:,} bench roles.")
    added = seed_bench_hours(hours, progress=click.echo)
    click.echo(f"Added {added:,} bench hours entries.")
    added = seed_bench_applications(applications, progress=click.echo)
    click.echo(f"Added {added:,} bench applications.")
    added = seed_bench_training(training, progress=click.echo)
    click.echo(f"Added {added:,} bench training records.")
    added = seed_bench_rates(local_today())
    click.echo(f"Added {added:,} bench hourly values.")
    refresh_statistics(db.session)


@hub.command("ceremony-pack")
@click.option("--year", type=int, required=True, help="The awards cycle's year.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PDF to write."
)
@with_appcontext
def ceremony_pack(year: int, out: Path) -> None:
    """Write the cycle's ceremony pack: every certificate in ceremony order, one PDF."""
    from .awards import ceremony, queries

    cycle = queries.cycle_by_year(year)
    if cycle is None:
        raise click.ClickException(f"There is no awards cycle for {year}.")
    if not ceremony.is_ready(cycle):
        raise click.ClickException("Lock every category of the cycle first.")
    total = len(ceremony.pack_certificates(cycle)) + 1
    with click.progressbar(length=total, label="Certificates") as bar:

        def advance(done: int, _total: int) -> None:
            bar.update(done - bar.pos)

        pdf = ceremony.ceremony_pack(cycle, progress=advance)
    out.write_bytes(pdf)
    click.echo(f"Wrote {total - 1:,} certificates to {out} ({len(pdf) / 1e6:.1f} MB).")


@hub.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the job scheduler in this process until stopped (never inside web workers)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    runner = build_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo("Scheduler started: " + ", ".join(job.name for job in SCHEDULE))
    try:
        runner.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@hub.group("jobs")
def jobs() -> None:
    """List the scheduled jobs or run one now."""


@jobs.command("list")
def list_jobs() -> None:
    for job in SCHEDULE:
        when = " ".join(f"{key}={value}" for key, value in job.cron.items())
        click.echo(f"{job.name:<16} {when:<22} {job.description}")


@jobs.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@with_appcontext
def run(name: str) -> None:
    """Run one job now, recorded like a scheduled run."""
    result = run_job(name)
    if result is None:
        raise click.ClickException("The run could not be claimed.")
    click.echo(f"{name}: {result.outcome}: {result.summary}")
    if result.outcome != "ok":
        raise SystemExit(1)
