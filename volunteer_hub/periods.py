"""Weekday time periods of the volunteering data standard (`MondayMorning` ... `SundayEvening`).

They describe both when a role happens and when a volunteer is free; slugs such as
`monday-morning` are used in URLs and forms, IRIs in published data.
"""

from __future__ import annotations

from dataclasses import dataclass

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PARTS = ("morning", "afternoon", "evening")
NAMESPACE = "https://ns.volunteeringdata.io/"


@dataclass(frozen=True)
class Period:
    day: str
    part: str

    @property
    def slug(self) -> str:
        return f"{self.day}-{self.part}"

    @property
    def label(self) -> str:
        return f"{self.day.capitalize()} {self.part}"

    @property
    def iri(self) -> str:
        return f"{NAMESPACE}{self.day.capitalize()}{self.part.capitalize()}"


PERIODS: tuple[Period, ...] = tuple(Period(day, part) for day in DAYS for part in PARTS)
PERIOD_SLUGS: frozenset[str] = frozenset(period.slug for period in PERIODS)
BY_SLUG: dict[str, Period] = {period.slug: period for period in PERIODS}
