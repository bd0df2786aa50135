"""Reading the API's query parameters strictly: anything malformed is reported, by name, as
`InvalidFilters` (a 400), never guessed at or ignored."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ..discover.filters import (
    MAX_SLUG_LENGTH,
    SLUG,
    InvalidFilters,
    RoleFilters,
    parse_filters,
)
from ..extensions import MAX_PAGE
from ..organisations.models import OrganisationKind

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_NAME_SEARCH = 200

Errors = dict[str, list[str]]


def whole_number(
    args: MultiDict[str, str], name: str, default: int, top: int, errors: Errors
) -> int:
    """A number from 1 to `top` in ASCII digits, or `default` when the parameter is absent."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    fits = raw.isascii() and raw.isdigit() and len(raw) <= len(str(top))
    number = int(raw) if fits else 0
    if not 1 <= number <= top:
        errors.setdefault(name, []).append(f"{name} must be a whole number from 1 to {top:,}.")
        return default
    return number


def per_page(args: MultiDict[str, str], errors: Errors) -> int:
    return whole_number(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE, errors)


def role_parameters(args: MultiDict[str, str]) -> tuple[RoleFilters, int]:
    """The search parameters of `/roles`, and the page size."""
    errors: Errors = {}
    try:
        filters = parse_filters(args, strict=True)
    except InvalidFilters as invalid:
        errors.update(invalid.errors)
        filters = parse_filters(args)
    size = per_page(args, errors)
    if errors:
        raise InvalidFilters(errors)
    return filters, size


@dataclass(frozen=True)
class OrganisationFilters:
    q: str
    kind: str | None
    locality: tuple[str, ...]
    page: int
    per_page: int

    def to_args(self) -> dict[str, str | list[str]]:
        """The filters as URL parameters (without the page), for links to other pages."""
        args: dict[str, str | list[str]] = {}
        if self.q:
            args["q"] = self.q
        if self.kind:
            args["kind"] = self.kind
        if self.locality:
            args["locality"] = list(self.locality)
        return args


def organisation_parameters(args: MultiDict[str, str]) -> OrganisationFilters:
    """`q` (part of a name), `kind`, `locality` (slugs, may repeat), `page`, `per_page`."""
    errors: Errors = {}
    name = " ".join(args.get("q", "").split())
    if len(name) > MAX_NAME_SEARCH:
        errors["q"] = [f"q must be {MAX_NAME_SEARCH} characters or fewer."]
    kind = args.get("kind", "").strip()
    if kind and kind not in set(OrganisationKind):
        errors["kind"] = [f"kind must be one of: {', '.join(OrganisationKind)}."]
    localities: list[str] = []
    for value in (value.strip() for value in args.getlist("locality")):
        if value and (len(value) > MAX_SLUG_LENGTH or not SLUG.fullmatch(value)):
            errors.setdefault("locality", []).append(f"{value[:40]!r} is not a valid locality.")
        elif value and value not in localities:
            localities.append(value)
    page = whole_number(args, "page", 1, MAX_PAGE, errors)
    size = per_page(args, errors)
    if errors:
        raise InvalidFilters(errors)
    return OrganisationFilters(name, kind or None, tuple(localities), page, size)
