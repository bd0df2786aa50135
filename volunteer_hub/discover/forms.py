"""The search form of `/roles`. It only draws the filters: the query string is read by
`discover.filters.parse_filters`, and the form is filled from what that kept.

The keywords, sort, commitment and flags are WTForms fields; the four lists of checkboxes
(kinds, areas, times of the week, skills: about a hundred boxes) are plain `Checkbox` tuples.
`templates/discover/_fields.html` draws both in the markup `render_field` gives a field without
errors (the boxes themselves are drawn here, each escaped once per process): through WTForms'
widgets, `iter_choices` and the generic macro, drawing the form cost more than the rest of the
page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from markupsafe import Markup
from sqlalchemy import CompoundSelect, literal, select, union_all
from wtforms import BooleanField, SelectChoice, SelectField, StringField

from ..extensions import db
from ..forms import HubForm
from ..periods import PERIODS
from ..reference.models import Category, Locality, Skill
from .filters import MAX_KEYWORDS_LENGTH, RoleFilters

SORT_CHOICES = [
    SelectChoice("", "Best match, or newest without keywords"),
    SelectChoice("newest", "Newest first"),
    SelectChoice("closing", "Closing soonest"),
]
COMMITMENT_CHOICES = [
    SelectChoice("", "Any"),
    SelectChoice("one-off", "One-off"),
    SelectChoice("regular", "Regular"),
]
# The multiple-choice filters in page order, with their legends.
CHECKBOX_LEGENDS = {
    "category": "Kind of volunteering",
    "locality": "Area",
    "period": "When you are free",
    "skill": "Skills you would use",
}
REFERENCE_LISTS = {"category": Category, "locality": Locality, "skill": Skill}
PERIOD_CHOICES = tuple((period.slug, period.label) for period in PERIODS)


def _active_items() -> CompoundSelect[Any]:
    """The active items of the three reference lists, each in name order: one statement of
    plain columns (no ORM entities to load), built once."""
    branches = []
    for name, model in REFERENCE_LISTS.items():
        items = model.__table__.c
        branches.append(
            select(literal(name).label("list"), items.slug, items.name).where(items.active)
        )
    return union_all(*branches).order_by("list", "name")


ACTIVE_ITEMS = _active_items()

# (slug, name) pairs of each list's choices, in the order they are shown.
Choices = dict[str, list[tuple[str, str]]]


def _flag(label: str) -> BooleanField:
    return BooleanField(label, render_kw={"value": "1"})


class SearchForm(HubForm):
    """A GET form: it changes nothing, so it carries no CSRF token and needs none."""

    class Meta:
        csrf = False

    q = StringField(
        "Keywords",
        description="For example: library, gardening, befriending",
        render_kw={"maxlength": MAX_KEYWORDS_LENGTH, "type": "search"},
    )
    commitment = SelectField("How often", choices=COMMITMENT_CHOICES)
    remote = _flag("Can be done from home (remote or hybrid)")
    groups = _flag("Groups welcome (for example a team from work)")
    no_dbs = _flag("No DBS check needed")
    under18 = _flag("Open to under-18s")
    sort = SelectField("Sort by", choices=SORT_CHOICES)


class Checkbox(NamedTuple):
    id: str
    value: str
    label: str
    checked: bool


@lru_cache(maxsize=2048)
def _box_markup(name: str, box: Checkbox) -> Markup:
    """One checkbox and its label, escaped once for each distinct box rather than once a page:
    the hundred boxes are most of the page's escaping."""
    return Markup(
        '<div class="form-check"><input class="form-check-input" type="checkbox" name="{}" '
        'id="{}" value="{}"{}><label class="form-check-label" for="{}">{}</label></div>'
    ).format(name, box.id, box.value, Markup(" checked") if box.checked else "", box.id, box.label)


@dataclass(frozen=True)
class CheckboxList:
    """A multiple-choice filter: a fieldset of checkboxes, all sent as `name`."""

    name: str
    legend: str
    boxes: list[Checkbox]

    def boxes_markup(self) -> Markup:
        """The boxes' markup, joined as plain strings: each is Markup already, and
        `Markup.join` would pass each through `escape` again (a hundred calls a page)."""
        boxes = [_box_markup(self.name, box) for box in self.boxes]
        return Markup("".join(boxes))  # noqa: S704 - every part is Markup, escaped by _box_markup


def search_form(filters: RoleFilters) -> SearchForm:
    """The form's single-value fields, showing `filters`."""
    data: dict[str, Any] = {
        "q": filters.q,
        "commitment": filters.commitment or "",
        "remote": filters.remote,
        "groups": filters.groups,
        "no_dbs": filters.no_dbs,
        "under18": filters.under18,
        "sort": filters.sort if filters.sort in ("newest", "closing") else "",
    }
    return SearchForm(formdata=None, data=data)


def filter_choices() -> Choices:
    """The active items of the reference lists (one query) and the times of the week."""
    choices: Choices = {name: [] for name in REFERENCE_LISTS}
    for name, slug, label in db.session.execute(ACTIVE_ITEMS).all():  # one fetch, not a row each
        choices[name].append((slug, label))
    choices["period"] = list(PERIOD_CHOICES)
    return choices


def checkbox_lists(filters: RoleFilters, choices: Choices) -> dict[str, CheckboxList]:
    """Each multiple-choice filter's boxes, those in `filters` checked."""
    lists = {}
    for name, legend in CHECKBOX_LEGENDS.items():
        chosen = set(getattr(filters, name))
        boxes = [
            Checkbox(f"{name}-{index}", slug, label, slug in chosen)
            for index, (slug, label) in enumerate(choices[name])
        ]
        lists[name] = CheckboxList(name, legend, boxes)
    return lists
