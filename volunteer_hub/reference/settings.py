"""Policy values that admins tune in the app, with the sector's defaults (shared/DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from .models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    hint: str
    default: str
    minimum: int = 0
    maximum: int = 100_000
    is_list: bool = False

    def parse(self, raw: str) -> int | list[int]:
        """The typed value of `raw`, or `ValueError` with a plain-words message."""
        parts = [part.strip() for part in raw.split(",")] if self.is_list else [raw.strip()]
        numbers = []
        for part in parts:
            if not (part.isascii() and part.isdigit()):
                raise ValueError(
                    "Enter whole numbers separated by commas, like 50, 100, 250"
                    if self.is_list
                    else "Enter a whole number, like 10"
                )
            number = int(part)
            if not self.minimum <= number <= self.maximum:
                raise ValueError(f"Enter a number from {self.minimum} to {self.maximum:,}")
            numbers.append(number)
        if self.is_list:
            if len(set(numbers)) != len(numbers):
                raise ValueError("Each number must appear only once")
            return sorted(numbers)
        return numbers[0]

    def canonical(self, raw: str) -> str:
        value = self.parse(raw)
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "application_response_days",
        "Days to respond to an application",
        "Working days an organisation has to answer an applicant before staff are alerted.",
        "5",
        1,
        60,
    ),
    SettingSpec(
        "offer_hours",
        "Hours to accept an offered place",
        "How long a waitlisted volunteer has to take up a place before it passes on.",
        "72",
        1,
        336,
    ),
    SettingSpec(
        "cancellation_cutoff_hours",
        "Cancellation cut-off (hours)",
        "A shift or training place cancelled later than this counts as a late cancellation.",
        "24",
        0,
        336,
    ),
    SettingSpec(
        "dbs_recheck_months",
        "Re-check DBS certificates after (months)",
        "Certificates older than this need a new check or an Update Service status check.",
        "36",
        1,
        120,
    ),
    SettingSpec(
        "milestone_hours",
        "Hours milestones",
        "Verified hours at which a volunteer is thanked with a certificate.",
        "50, 100, 250, 500, 1000",
        1,
        100_000,
        is_list=True,
    ),
    SettingSpec(
        "retention_inactive_months",
        "Anonymise inactive volunteers after (months)",
        "Volunteers with no activity for this long are warned, then anonymised.",
        "36",
        6,
        120,
    ),
    SettingSpec(
        "retention_warning_days",
        "Warning before anonymising (days)",
        "How long before anonymising an inactive account its owner is emailed.",
        "30",
        7,
        180,
    ),
)
BY_KEY = {spec.key: spec for spec in SPECS}


def setting_values() -> dict[str, str]:
    """Every setting's current text, the default where none is stored."""
    stored = {row.key: row.value for row in db.session.scalars(select(Setting))}
    return {spec.key: stored.get(spec.key, spec.default) for spec in SPECS}


def get_setting(key: str) -> int | list[int]:
    spec = BY_KEY[key]
    row = db.session.get(Setting, key)
    return spec.parse(row.value if row is not None else spec.default)


def setting_int(key: str) -> int:
    value = get_setting(key)
    if not isinstance(value, int):
        raise TypeError(f"setting {key} is a list")
    return value


def setting_list(key: str) -> list[int]:
    value = get_setting(key)
    return value if isinstance(value, list) else [value]


def update_settings(values: dict[str, str], actor: User) -> list[str]:
    """Store the changed values (already validated by the form); returns the changed keys."""
    current = setting_values()
    changed = []
    for key, raw in values.items():
        value = BY_KEY[key].canonical(raw)
        if value == current[key]:
            continue
        row = db.session.get(Setting, key) or Setting(key=key)
        row.value = value
        row.updated_by_id = actor.id
        db.session.add(row)
        record_event("setting.changed", actor=actor, key=key, old=current[key], new=value)
        changed.append(key)
    return changed
