"""The role search parameters of DESIGN.md ("Search parameters"), parsed once for every place
that lists roles: `/roles`, `/feeds/roles.xml`, `/embed/roles` and `/api/v1/roles`.

`parse_filters(request.args)` is pure: it reads a `MultiDict`, touches no database and never
raises for what a browser sends. Malformed values (a slug with spaces, `remote=yes`,
`page=-3`, an unknown sort) are dropped; repeated values are kept once each, in the order
given. With `strict=True` the same problems raise `InvalidFilters`, whose `errors` maps each
parameter to plain-words messages, for the API's 400. Parameters this module does not know
(`per_page`, `format`, ...) are left to the caller in both modes.

A well-formed slug that names nothing (an old link to a retired category) is not an error: it
filters to no roles, as the person asked. `roles.search.search_roles(filters)` turns the
result into a query, and `roles.cards.search_page(filters, per_page)` into a page of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.datastructures import MultiDict

from ..extensions import MAX_PAGE
from ..periods import PERIOD_SLUGS
from ..roles.models import Commitment

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG_LENGTH = 140
MAX_VALUES = 40  # per repeatable parameter; more is not a search a person makes
MAX_KEYWORDS_LENGTH = 200
SLUG_PARAMETERS = ("category", "locality", "skill", "organisation")
FLAG_PARAMETERS = ("remote", "groups", "no_dbs", "under18")
SORTS = ("relevance", "newest", "closing")
COMMITMENTS = tuple(str(value) for value in Commitment)

_Problem = Callable[[str, str], None]  # reports (parameter, message)
_Validator = Callable[[str], bool]


class InvalidFilters(ValueError):
    """Search parameters that do not make sense; `errors` says which and why."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {' '.join(m)}" for name, m in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RoleFilters:
    """What a person asked for. Field names are the URL parameters' names; repeatable
    parameters are tuples of distinct values. `sort` is None when none was asked for."""

    q: str = ""
    category: tuple[str, ...] = ()
    locality: tuple[str, ...] = ()
    skill: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    commitment: str | None = None
    period: tuple[str, ...] = ()
    remote: bool = False
    groups: bool = False
    no_dbs: bool = False
    under18: bool = False
    sort: str | None = None
    page: int = 1

    @property
    def order(self) -> str:
        """The sort in effect: relevance needs keywords; without them, newest first."""
        if self.sort == "relevance" and not self.q:
            return "newest"
        return self.sort or ("relevance" if self.q else "newest")

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (keywords or any filter; sort and page do not)."""
        return any(name not in ("sort", "page") for name, _ in self.pairs())

    def pairs(self) -> Iterator[tuple[str, str]]:
        """The parameters as (name, value) pairs, repeated names repeated; page left out."""
        if self.q:
            yield "q", self.q
        for name in SLUG_PARAMETERS:
            for value in getattr(self, name):
                yield name, value
        if self.commitment:
            yield "commitment", self.commitment
        for value in self.period:
            yield "period", value
        for name in FLAG_PARAMETERS:
            if getattr(self, name):
                yield name, "1"
        if self.sort:
            yield "sort", self.sort

    def to_args(self) -> dict[str, list[str]]:
        """The parameters for `url_for(endpoint, **filters.to_args())` (page 1)."""
        args: dict[str, list[str]] = {}
        for name, value in self.pairs():
            args.setdefault(name, []).append(value)
        return args

    def without(self, name: str, value: str | None = None) -> RoleFilters:
        """These filters with one value (or the whole parameter) taken away, at page 1."""
        current = getattr(self, name)
        changes: dict[str, Any] = {"page": 1}
        if isinstance(current, tuple):
            changes[name] = tuple(v for v in current if value is not None and v != value)
        else:
            changes[name] = "" if name == "q" else (False if isinstance(current, bool) else None)
        return replace(self, **changes)


def parse_filters(args: MultiDict[str, str], *, strict: bool = False) -> RoleFilters:
    """Read the search parameters from a query string; see the module's docstring."""
    errors: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    values: dict[str, object] = {"q": _keywords(args.get("q", ""), problem)}
    for name in SLUG_PARAMETERS:
        values[name] = _many(name, args.getlist(name), _is_slug, problem)
    values["period"] = _many("period", args.getlist("period"), PERIOD_SLUGS.__contains__, problem)
    values["commitment"] = _choice("commitment", args.get("commitment", ""), COMMITMENTS, problem)
    values["sort"] = _choice("sort", args.get("sort", ""), SORTS, problem)
    for name in FLAG_PARAMETERS:
        values[name] = _flag(name, args.get(name, ""), problem)
    values["page"] = _page(args.get("page", ""), problem)
    if strict and errors:
        raise InvalidFilters(errors)
    return RoleFilters(**values)  # type: ignore[arg-type]


def _keywords(raw: str, problem: _Problem) -> str:
    words = " ".join(raw.split())
    if len(words) > MAX_KEYWORDS_LENGTH:
        problem("q", f"Keywords must be {MAX_KEYWORDS_LENGTH} characters or fewer.")
        words = words[:MAX_KEYWORDS_LENGTH].rstrip()
    return words


def _is_slug(value: str) -> bool:
    return len(value) <= MAX_SLUG_LENGTH and SLUG.fullmatch(value) is not None


def _many(name: str, raw: list[str], valid: _Validator, problem: _Problem) -> tuple[str, ...]:
    kept: list[str] = []
    for value in (v.strip() for v in raw):
        if not value:
            continue
        if not valid(value):
            problem(name, f"{value[:40]!r} is not a valid {name}.")
        elif value not in kept:
            kept.append(value)
    if len(kept) > MAX_VALUES:
        problem(name, f"Give at most {MAX_VALUES} values of {name}.")
    return tuple(kept[:MAX_VALUES])


def _choice(name: str, raw: str, allowed: tuple[str, ...], problem: _Problem) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if value not in allowed:
        problem(name, f"{name} must be one of: {', '.join(allowed)}.")
        return None
    return value


def _flag(name: str, raw: str, problem: _Problem) -> bool:
    value = raw.strip()
    if value not in ("", "0", "1"):
        problem(name, f"{name} must be 1 (or left out).")
    return value == "1"


def _page(raw: str, problem: _Problem) -> int:
    value = raw.strip()
    if not value:
        return 1
    too_long = len(value) > len(str(MAX_PAGE))
    if too_long or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        problem("page", f"page must be a whole number from 1 to {MAX_PAGE:,}.")
        return 1
    return int(value)
