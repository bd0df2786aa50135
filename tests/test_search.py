"""Role search, `/roles`: the parameters of DESIGN.md, every filter and sort, the keyword
ranking, hostile keywords, what never appears, the empty state, the home page's featured roles,
and query counts that stay flat as the data grows."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from flask import current_app, url_for
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectMultipleField

from tests.factories import make_category, make_locality, make_organisation, make_role, make_skill
from volunteer_hub.database import utcnow
from volunteer_hub.discover.filters import InvalidFilters, RoleFilters, parse_filters
from volunteer_hub.discover.forms import Checkbox, CheckboxList, SearchForm
from volunteer_hub.extensions import db
from volunteer_hub.forms import HubForm
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.periods import PERIODS
from volunteer_hub.roles.models import Role, RolePeriod, RoleStatus
from volunteer_hub.roles.search import (
    fts5_query,
    refresh_search_entry,
    search_roles,
    search_shape,
    shape_statement,
)
from volunteer_hub.templating import page_links, page_url, role_links

HOSTILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
CARD_TITLE = re.compile(r'class="h5 card-title mb-1">\s*<a href="/roles/[^"]+"[^>]*>([^<]*)</a>')


def found(client: FlaskClient, **params: Any) -> list[str]:
    """The titles of the roles `/roles` lists for `params`, in order (page given or 1)."""
    response = client.get("/roles", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [html.unescape(t) for t in CARD_TITLE.findall(response.get_data(as_text=True))]


def days_ago(days: int) -> Any:
    return utcnow() - timedelta(days=days)


# --- Parsing the parameters ----------------------------------------------------------------------


def test_parse_filters_reads_every_parameter():
    args = MultiDict(
        [
            ("q", "  tree   planting "),
            ("category", "parks"),
            ("category", "libraries"),
            ("category", "parks"),
            ("locality", "reddish"),
            ("skill", "first-aid"),
            ("organisation", "friends-of-reddish-vale"),
            ("commitment", "one-off"),
            ("period", "monday-morning"),
            ("period", "sunday-evening"),
            ("remote", "1"),
            ("groups", "1"),
            ("no_dbs", "1"),
            ("under18", "1"),
            ("sort", "closing"),
            ("page", "3"),
        ]
    )
    filters = parse_filters(args, strict=True)
    assert filters == RoleFilters(
        q="tree planting",
        category=("parks", "libraries"),
        locality=("reddish",),
        skill=("first-aid",),
        organisation=("friends-of-reddish-vale",),
        commitment="one-off",
        period=("monday-morning", "sunday-evening"),
        remote=True,
        groups=True,
        no_dbs=True,
        under18=True,
        sort="closing",
        page=3,
    )
    assert filters.order == "closing"
    assert filters.to_args()["category"] == ["parks", "libraries"]
    assert "page" not in filters.to_args()


def test_malformed_values_are_ignored_and_strict_mode_lists_them():
    args = MultiDict(
        [
            ("category", "Not A Slug!"),
            ("category", "parks"),
            ("period", "funday-morning"),
            ("commitment", "sometimes"),
            ("remote", "yes"),
            ("sort", "random"),
            ("page", "-2"),
            ("per_page", "500"),  # not ours: left to the caller
        ]
    )
    filters = parse_filters(args)
    assert filters == RoleFilters(category=("parks",))
    with pytest.raises(InvalidFilters) as caught:
        parse_filters(args, strict=True)
    assert set(caught.value.errors) == {
        "category",
        "period",
        "commitment",
        "remote",
        "sort",
        "page",
    }


@pytest.mark.parametrize("page", ["0", "abc", "1.5", "٣", "9" * 5000, "100001"])
def test_bad_page_numbers_mean_page_one(page):
    assert parse_filters(MultiDict({"page": page})).page == 1


def test_long_keywords_are_cut_and_the_default_sort_follows_them():
    filters = parse_filters(MultiDict({"q": "word " * 500}))
    assert len(filters.q) <= 200
    assert filters.order == "relevance"
    assert RoleFilters().order == "newest"
    assert RoleFilters(sort="relevance").order == "newest"  # nothing to be relevant to
    with pytest.raises(InvalidFilters):
        parse_filters(MultiDict({"q": "x" * 201}), strict=True)


def test_without_removes_one_value_or_a_whole_parameter():
    filters = RoleFilters(q="parks", category=("a", "b"), remote=True, commitment="regular", page=4)
    assert filters.without("category", "a") == RoleFilters(
        q="parks", category=("b",), remote=True, commitment="regular"
    )
    assert filters.without("q").q == ""
    assert filters.without("remote").remote is False
    assert filters.without("commitment").commitment is None


def test_fts5_query_quotes_every_term():
    assert fts5_query('say "hi" NOT NEAR(x') == '"say" """hi""" "NOT" "NEAR(x"'


# --- Filters and sorts ---------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Roles that differ in one way each, in categories, areas and skills with known slugs."""
    libraries, parks = make_category("Community libraries"), make_category("Country parks")
    reddish, marple = make_locality("Reddish"), make_locality("Marple")
    first_aid, driving = make_skill("First aid"), make_skill("Driving")
    library = make_organisation(name="Reddish Community Library")
    friends = make_organisation(name="Friends of Etherow")
    roles = {
        "Shelver": make_role(
            library,
            title="Shelver",
            category=libraries,
            locality=reddish,
            periods=("monday-morning",),
            minimum_age=16,
            published_at=days_ago(5),
            apply_by=date(2030, 3, 1),
        ),
        "Path warden": make_role(
            friends,
            title="Path warden",
            category=parks,
            locality=marple,
            commitment="one-off",
            periods=("saturday-morning", "sunday-morning"),
            groups_welcome=True,
            max_group_size=12,
            dbs_level="enhanced",
            minimum_age=18,
            published_at=days_ago(1),
        ),
        "Online mentor": make_role(
            friends,
            title="Online mentor",
            category=parks,
            attendance="remote",
            periods=("tuesday-evening",),
            dbs_level="standard",
            published_at=days_ago(3),
            apply_by=date(2030, 1, 10),
        ),
        "Reading buddy": make_role(
            library,
            title="Reading buddy",
            category=libraries,
            locality=marple,
            attendance="hybrid",
            minimum_age=14,
            published_at=days_ago(10),
            apply_by=date(2030, 6, 30),
        ),
    }
    roles["Shelver"].skills = [first_aid]
    roles["Path warden"].skills = [first_aid, driving]
    db.session.commit()
    return {
        "roles": roles,
        "libraries": libraries.slug,
        "parks": parks.slug,
        "reddish": reddish.slug,
        "marple": marple.slug,
        "first_aid": first_aid.slug,
        "driving": driving.slug,
        "library": library.slug,
        "friends": friends.slug,
    }


def test_without_parameters_every_published_role_is_listed_newest_first(client, catalogue):
    assert found(client) == ["Path warden", "Online mentor", "Shelver", "Reading buddy"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "libraries"}, {"Shelver", "Reading buddy"}),
        ({"locality": "marple"}, {"Path warden", "Reading buddy"}),
        ({"skill": "driving"}, {"Path warden"}),
        ({"skill": "first_aid"}, {"Shelver", "Path warden"}),
        ({"organisation": "friends"}, {"Path warden", "Online mentor"}),
        ({"commitment": "one-off"}, {"Path warden"}),
        ({"commitment": "regular"}, {"Shelver", "Online mentor", "Reading buddy"}),
        ({"period": "sunday-morning"}, {"Path warden"}),
        ({"remote": "1"}, {"Online mentor", "Reading buddy"}),
        ({"groups": "1"}, {"Path warden"}),
        ({"no_dbs": "1"}, {"Shelver", "Reading buddy"}),
        # a role with no recorded minimum age (Online mentor) counts as adults only
        ({"under18": "1"}, {"Shelver", "Reading buddy"}),
        ({"category": "parks", "remote": "1"}, {"Online mentor"}),
        ({"category": "unknown-category"}, set()),
    ],
)
def test_each_filter(client, catalogue, params, expected):
    query = {name: catalogue.get(value, value) for name, value in params.items()}
    assert set(found(client, **query)) == expected


def test_repeated_parameters_match_any_of_their_values(client, catalogue):
    assert set(
        found(client, category=[catalogue["libraries"], catalogue["parks"]], no_dbs="1")
    ) == {"Shelver", "Reading buddy"}
    assert set(found(client, locality=[catalogue["reddish"], catalogue["marple"]])) == {
        "Shelver",
        "Path warden",
        "Reading buddy",
    }
    assert set(found(client, period=["monday-morning", "tuesday-evening"])) == {
        "Shelver",
        "Online mentor",
    }
    assert set(found(client, skill=[catalogue["driving"], catalogue["first_aid"]])) == {
        "Shelver",
        "Path warden",
    }


def test_a_role_in_several_matching_periods_is_listed_once(client, catalogue):
    assert found(client, period=["saturday-morning", "sunday-morning"]) == ["Path warden"]


def test_searches_of_one_shape_share_a_statement_but_never_its_values(client, catalogue):
    """A statement is built once for each shape of search (`roles.search.Shape`) and its
    values are bound at each execution: one search's values never leak into the next's."""
    libraries = RoleFilters(category=(catalogue["libraries"],))
    parks = RoleFilters(category=(catalogue["parks"],))
    assert shape_statement(search_shape(libraries)) is shape_statement(search_shape(parks))
    assert set(found(client, category=catalogue["libraries"])) == {"Shelver", "Reading buddy"}
    assert set(found(client, category=catalogue["parks"])) == {"Path warden", "Online mentor"}
    assert found(client, q="shelver") == ["Shelver"]
    assert found(client, q="warden") == ["Path warden"]
    assert found(client, q="warden", period="monday-morning") == []
    assert found(client, q="shelver", period="monday-morning") == ["Shelver"]
    in_parks = db.session.scalars(search_roles(parks)).all()
    assert {role.title for role in in_parks} == {"Path warden", "Online mentor"}


def test_closing_sort_puts_the_soonest_deadline_first_and_none_last(client, catalogue):
    assert found(client, sort="closing") == [
        "Online mentor",
        "Shelver",
        "Reading buddy",
        "Path warden",
    ]


def test_newest_sort_and_unknown_sort(client, catalogue):
    newest = ["Path warden", "Online mentor", "Shelver", "Reading buddy"]
    assert found(client, sort="newest") == newest
    assert found(client, sort="sideways") == newest


def test_the_form_keeps_the_search_and_shows_each_filter_with_a_removal_link(client, catalogue):
    parks = catalogue["parks"]
    query = {"q": "warden", "category": parks, "groups": "1", "sort": "closing"}
    page = client.get("/roles", query_string=query).get_data(as_text=True)
    assert 'name="q" type="search" value="warden"' in page
    assert f'name="category" id="category-1" value="{parks}" checked' in page
    assert '<input checked class="form-check-input" id="groups" name="groups"' in page
    assert '<option selected value="closing">' in page
    assert "1 role found" in page
    links = re.findall(
        r'href="([^"]+)"><span class="visually-hidden">Remove filter: </span>([^<]+)<', page
    )
    removals = {label.strip(): html.unescape(url) for url, label in links}
    assert set(removals) == {
        "Keywords: warden",
        "Country parks",
        "Groups welcome (for example a team from work)",
    }
    assert removals["Keywords: warden"] == f"/roles?category={parks}&groups=1&sort=closing"
    assert removals["Country parks"] == "/roles?q=warden&groups=1&sort=closing"


def _markup(source: str, **context: Any) -> str:
    """A template snippet rendered, with the white space between and around tags dropped."""
    rendered = current_app.jinja_env.from_string(source).render(**context)
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", rendered))).strip()


class _ManyForm(HubForm):
    class Meta:
        csrf = False

    area = SelectMultipleField(
        "Area",
        choices=[SelectChoice("a&b", "A & B"), SelectChoice("c", "C"), SelectChoice("d", "D")],
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": 'say "hi" <b>', "commitment": "regular", "sort": "closing", "remote": True},
        {"groups": True, "no_dbs": True, "under18": True, "commitment": "one-off"},
    ],
)
def test_the_search_fields_read_as_render_field_draws_them(app, data):
    """The search page draws its fields from their data (`discover/_fields.html`), as WTForms'
    widgets cost more than the rest of the page: the markup must be `render_field`'s."""
    with app.test_request_context("/roles"):
        form = SearchForm(formdata=None, data=data)
        macros = {"text_field": ["q"], "select_field": ["sort", "commitment"]}
        macros["flag"] = ["remote", "groups", "no_dbs", "under18"]
        for macro, names in macros.items():
            for name in names:
                generic = _markup(
                    '{% from "_macros/forms.html" import render_field %}{{ render_field(f) }}',
                    f=form[name],
                )
                own = _markup(
                    f'{{% from "discover/_fields.html" import {macro} %}}{{{{ {macro}(f) }}}}',
                    f=form[name],
                )
                assert own == generic, name
        many = _ManyForm(formdata=None, data={"area": ["a&b", "d"]})
        boxes = [
            Checkbox(f"area-{index}", choice.value, choice.label, choice.value in many.area.data)
            for index, choice in enumerate(many.area.choices)
        ]
        generic = _markup(
            '{% from "_macros/forms.html" import render_field %}{{ render_field(f) }}', f=many.area
        )
        own = _markup(
            '{% from "discover/_fields.html" import checkbox_list %}{{ checkbox_list(g) }}',
            g=CheckboxList("area", "Area", boxes),
        )
        assert own == generic


def test_an_organisation_filter_is_kept_by_the_form_and_named_in_words(client, catalogue):
    page = client.get("/roles", query_string={"organisation": catalogue["friends"]}).get_data(
        as_text=True
    )
    assert f'<input type="hidden" name="organisation" value="{catalogue["friends"]}">' in page
    assert "Friends of Etherow <span" in page  # the removable filter, by name
    assert "2 roles found" in page


def test_pagination_keeps_repeated_parameters(client, db):
    libraries, parks = make_category(), make_category()
    organisation = make_organisation()
    for number in range(23):
        make_role(organisation, title=f"Role {number:02}", category=[libraries, parks][number % 2])
    query = {"category": [libraries.slug, parks.slug], "period": [], "remote": ""}
    first = client.get("/roles", query_string=query).get_data(as_text=True)
    assert "23 roles found" in first
    assert len(CARD_TITLE.findall(first)) == 20
    next_link = html.unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1))
    assert f"category={libraries.slug}" in next_link and f"category={parks.slug}" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert len(CARD_TITLE.findall(second)) == 3
    past_the_end = client.get("/roles", query_string={**query, "page": "9"})
    assert past_the_end.status_code == 200
    assert "There are no more roles" in past_the_end.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=3",
        "q=a+b&page=2&category=x&category=y",
        "page=4&q=%26%3D%3F+page%3D0&sort=closing",
        "q=page%3D0&_anchor=top&per_page=50",
        "category=a&page=1&page=9",
    ],
)
def test_page_links_are_page_urls(app, query):
    """The pagination's links come from one `url_for` (`templating.page_links`): they must be
    what `page_url` gives, whatever the query holds."""
    with app.test_request_context(f"/roles?{query}"):
        link = page_links()
        for number in (1, 2, 10, 12345):
            assert link(number) == page_url(number)


@pytest.mark.parametrize("external", [False, True])
def test_role_links_are_url_for(app, external):
    """The role cards' links come from one `url_for` (`templating.role_links`)."""
    with app.test_request_context("/roles"):
        link = role_links(external)
        for slug in (
            "shelver-reddish-library",
            "a b",
            "caf\u00e9-100%",
            "x/y?z#w",
            "slug-placeholder",
        ):
            assert link(slug) == url_for("roles.detail", slug=slug, _external=external)


# --- Keywords ------------------------------------------------------------------------------------


def test_a_keyword_in_the_title_ranks_above_one_in_the_description(client, db):
    organisation = make_organisation(name="Marple Rotary")
    make_role(
        organisation,
        title="Gardening volunteer",
        description="Help us keep things tidy.",
        published_at=days_ago(30),
    )
    make_role(
        organisation,
        title="Weekend helper",
        description="Some gardening, some painting and a lot of tea.",
        published_at=days_ago(1),
    )
    make_role(organisation, title="Treasurer", description="Keep the accounts.")
    assert found(client, q="gardening") == ["Gardening volunteer", "Weekend helper"]
    assert found(client, q="gardening", sort="newest") == ["Weekend helper", "Gardening volunteer"]


def test_keywords_search_the_summary_and_the_organisations_name(client, db):
    make_role(make_organisation(name="Bramhall Badgers"), title="Helper", summary="Tea and cake.")
    make_role(
        make_organisation(name="Hazel Grove Hub"), title="Driver", summary="Take people shopping"
    )
    assert found(client, q="badgers") == ["Helper"]
    assert found(client, q="shopping") == ["Driver"]
    assert found(client, q="driver shopping") == ["Driver"]
    assert found(client, q="driver badgers") == []


HOSTILE_KEYWORDS = [
    '"',
    "'",
    "-",
    "--",
    "NOT",
    "OR",
    "AND",
    "*",
    "(",
    ")",
    ":",
    "^",
    "NEAR(",
    "NEAR(a b, 2)",
    "title:x",
    "description:help OR title:*",
    '"unclosed',
    "a AND (b OR",
    "-garden +tree",
    "!!!",
    "\\",
    "%_",
    "'; DROP TABLE roles; --",
    "🌳🦡 garden 👩🏽‍🌾",
    "ﬁnd ｗｉｄｅ",
    "x" * 5000,
    "word " * 2000,
    "\u202e\u200b",
]


@pytest.mark.parametrize("keywords", HOSTILE_KEYWORDS)
def test_hostile_keywords_give_a_page(client, db, keywords):
    make_role(title="Garden helper")
    for sort in ("", "newest", "closing", "relevance"):
        response = client.get("/roles", query_string={"q": keywords, "sort": sort})
        assert response.status_code == 200, (keywords, sort)


def test_a_nul_character_is_refused_not_searched(client, db):
    assert client.get("/roles", query_string={"q": "garden\x00"}).status_code == 400


# Any character a browser can send: not NUL (refused with 400), not a lone surrogate (which
# cannot be encoded in a URL at all, so the test client itself would fail).
SENDABLE = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))


@HOSTILE
@given(
    keywords=st.text(alphabet=SENDABLE, max_size=300),
    slugs=st.lists(st.text(alphabet=SENDABLE), max_size=3),
)
def test_any_text_in_any_parameter_gives_a_page(client, db, keywords, slugs):
    for query in (
        {"q": keywords},
        {"q": keywords, "category": slugs, "period": slugs, "sort": keywords},
        {"skill": slugs, "organisation": slugs, "remote": keywords, "page": keywords},
    ):
        assert client.get("/roles", query_string=query).status_code == 200, query


# --- What never appears --------------------------------------------------------------------------


def test_unpublished_roles_and_roles_of_unapproved_organisations_never_appear(client, db):
    """Every status but published, and published roles of pending, declined and suspended
    organisations, are absent from the list, keyword search, every filter and the home page."""
    category, locality = make_category(), make_locality()
    common = {
        "category": category,
        "locality": locality,
        "periods": ("friday-evening",),
        "minimum_age": 16,
    }
    approved = make_organisation()
    for status in RoleStatus:
        if status != RoleStatus.PUBLISHED:
            make_role(approved, title=f"Zebra {status}", status=status, **common)
    for org_status in ("pending", "declined", "suspended"):
        elsewhere = make_organisation(status=org_status)
        make_role(elsewhere, title=f"Zebra of a {org_status} organisation", **common)
    make_role(approved, title="Zebra visible", **common)
    everything = {
        "category": category.slug,
        "locality": locality.slug,
        "period": "friday-evening",
        "no_dbs": "1",
        "under18": "1",
        "commitment": "regular",
    }
    for query in ({}, {"q": "zebra"}, everything, {**everything, "sort": "closing"}):
        assert found(client, **query) == ["Zebra visible"], query
    home = client.get("/").get_data(as_text=True)
    assert "Zebra visible" in home and "Zebra draft" not in home and "organisation" in home
    assert "Zebra of a" not in home


# --- Empty state and the home page ---------------------------------------------------------------


def test_the_empty_state_suggests_removing_filters(client, db):
    make_role(title="Litter picker")
    page = client.get("/roles", query_string={"q": "astronaut", "remote": "1"}).get_data(
        as_text=True
    )
    assert "0 roles found" in page
    assert "No roles match your search" in page
    assert "remove one of the filters" in page
    assert 'href="/roles">see all roles</a>' in page


def test_with_no_roles_at_all_the_page_says_so(client, db):
    page = client.get("/roles").get_data(as_text=True)
    assert "0 roles" in page and "No roles are advertised just now" in page


def test_the_home_page_has_a_search_box_featured_roles_and_headline_numbers(client, db):
    approved = [make_organisation() for _ in range(3)]
    make_organisation(status="pending")
    for number in range(8):
        make_role(approved[number % 3], title=f"Featured {number}", published_at=days_ago(number))
    make_role(approved[0], title="Not yet", status="draft")
    page = client.get("/").get_data(as_text=True)
    assert 'action="/roles"' in page and 'name="q"' in page
    assert CARD_TITLE.findall(page) == [f"Featured {number}" for number in range(6)]
    assert "<strong>8</strong> roles advertised now" in page
    assert "<strong>3</strong> organisations working with the hub" in page


# --- Query counts --------------------------------------------------------------------------------


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def count_statements(client: FlaskClient, url: str) -> int:
    db.session.close()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def add_organisations_and_roles(organisations: int, roles: int, serial: int) -> None:
    """Approved organisations with published roles spread over them, in bulk."""
    categories = [make_category() for _ in range(3)]
    localities = [make_locality() for _ in range(3)]
    skills = [make_skill() for _ in range(3)]
    made = [
        Organisation(
            name=f"Bulk organisation {serial}-{n}",
            slug=f"bulk-{serial}-{n}",
            kind="charity",
            status="approved",
            contact_email=f"bulk{serial}-{n}@org.example",
        )
        for n in range(organisations)
    ]
    db.session.add_all(made)
    new_roles = []
    for n in range(roles):
        role = Role(
            organisation=made[n % organisations],
            title=f"Helper {serial}-{n}",
            slug=f"bulk-role-{serial}-{n}",
            summary="Friendly helper wanted.",
            description="Help in the garden and the library.",
            category=categories[n % 3],
            locality=localities[n % 3],
            status="published",
            published_at=days_ago(n % 50),
            apply_by=date(2030, 1, 1) + timedelta(days=n % 90),
        )
        role.periods = [RolePeriod(period=PERIODS[n % len(PERIODS)].slug)]
        role.skills = [skills[n % 3]]
        new_roles.append(role)
    db.session.add_all(new_roles)
    db.session.flush()
    for role in new_roles:
        refresh_search_entry(role)
    db.session.commit()


SEARCH_URLS = [
    "/roles",
    "/roles?q=helper+garden",
    "/roles?sort=closing&page=3",
    "/roles?period=monday-morning&period=friday-evening&remote=&under18=1&no_dbs=1",
    "/roles?organisation=bulk-1-7&organisation=bulk-1-9&skill=none&commitment=regular",
    "/",
]
# The reference lists, the page's role ids, their cards, the count, the organisations' names.
SEARCH_CEILING = 5


def test_search_and_home_query_counts_stay_flat_as_the_data_doubles(client, db):
    """1,000 roles over 200 organisations, then twice that: the same number of statements."""
    add_organisations_and_roles(200, 1000, serial=1)
    small = {url: count_statements(client, url) for url in SEARCH_URLS}
    add_organisations_and_roles(200, 1000, serial=2)
    large = {url: count_statements(client, url) for url in SEARCH_URLS}
    assert small == large
    assert max(large.values()) <= SEARCH_CEILING, large
    assert "2,000 roles" in client.get("/roles").get_data(as_text=True)


def test_a_page_can_hold_20_50_or_100_roles(client, db):
    organisation = make_organisation()
    category = make_category()
    for number in range(60):
        make_role(organisation, title=f"Role number {number}", category=category)

    def cards(query: dict[str, str]) -> int:
        page = client.get("/roles", query_string=query).get_data(as_text=True)
        return page.count('<article class="card mb-3">')

    assert cards({}) == 20
    assert cards({"per_page": "50"}) == 50
    assert cards({"per_page": "100"}) == 60
    assert cards({"per_page": "1000"}) == 20
    assert cards({"per_page": "abc"}) == 20
