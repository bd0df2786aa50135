"""The open-data feeds: `/feeds/roles.xml` (Atom) and `/feeds/volunteeringdata.jsonld` (the UK
volunteering data standard's shape, checked against the project's JSON Schema and, IRI by IRI,
against the standard's shipped Turtle files)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

import feedparser
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from rdflib import RDF, Graph, URIRef

from tests.factories import make_category, make_locality, make_organisation, make_role
from tests.test_query_counts import counting_statements
from volunteer_hub.database import utcnow
from volunteer_hub.discover.feeds import volunteeringdata_graph
from volunteer_hub.extensions import db
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.periods import PERIODS
from volunteer_hub.reference.models import Skill
from volunteer_hub.reference.services import concepts_in, load_taxonomy, seed_concepts, seed_skills
from volunteer_hub.roles.models import Role, RoleStatus

ATOM = "/feeds/roles.xml"
JSONLD = "/feeds/volunteeringdata.jsonld"
HOSTILE_TITLE = 'Tea & "cake" <script>alert(1)</script> ]]> \x0b\x01 café 🍰 </title><x>'
UNPUBLISHED = [status for status in RoleStatus if status != RoleStatus.PUBLISHED]
HIDDEN_ORGANISATIONS = ("pending", "declined", "suspended")


def feed_schema() -> dict[str, Any]:
    source = resources.files("volunteer_hub") / "data" / "volunteeringdata.schema.json"
    return json.loads(source.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def shipped_iris() -> set[str]:
    """Every concept of the shipped taxonomies, and the weekday periods of the time ontology."""
    iris = {
        concept.iri
        for scheme in ("skill", "cause", "requirement", "reward", "accessibility")
        for concept in load_taxonomy(scheme)
    }
    graph = Graph()
    source = resources.files("volunteer_hub") / "data" / "ontology_time.ttl"
    graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    period = URIRef("https://ns.volunteeringdata.io/WeekdayTimePeriod")
    return iris | {str(subject) for subject in graph.subjects(RDF.type, period)}


def seed_taxonomies() -> None:
    seed_concepts()
    seed_skills()
    db.session.commit()


def rich_role(organisation: Organisation, **fields: Any) -> Role:
    """A published role with concepts of every scheme, standard skills and periods."""
    fields.setdefault("periods", ("monday-morning", "saturday-afternoon", "sunday-evening"))
    role = make_role(
        organisation,
        minimum_age=16,
        locality=make_locality(),
        address="Gorton Road",
        postcode="SK5 6UR",
        apply_by=date(2030, 1, 31),
        **fields,
    )
    role.concepts = [
        *concepts_in("cause")[:2],
        *concepts_in("requirement")[:2],
        *concepts_in("reward")[:2],
        *concepts_in("accessibility")[:1],
    ]
    role.skills = list(db.session.scalars(db.select(Skill).order_by(Skill.name).limit(3)))
    db.session.commit()
    return role


def hidden_roles() -> list[Role]:
    """A role in every status but published, and published roles of unapproved organisations."""
    organisation = make_organisation(name="Visible Organisation")
    roles = [
        make_role(organisation, title=f"Secret {status} role", status=status)
        for status in UNPUBLISHED
    ]
    for status in HIDDEN_ORGANISATIONS:
        hidden = make_organisation(name=f"Hidden {status} organisation", status=status)
        roles.append(make_role(hidden, title=f"Secret role of a {status} organisation"))
    return roles


# --- Atom ---------------------------------------------------------------------------------------


def test_the_atom_feed_parses_and_every_entry_has_id_title_updated_and_link(client, db):
    organisation = make_organisation(name="Friends of Etherow Park")
    roles = [
        make_role(organisation, title="Path warden", summary="Walk & report"),
        make_role(organisation, title=HOSTILE_TITLE, summary="<b>bold</b> & \x0c odd"),
    ]

    response = client.get(ATOM)

    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    assert any(link.rel == "self" for link in feed.feed.links)
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.id.startswith("tag:localhost,")
        assert entry.title and entry.updated and entry.summary
        assert entry.link.startswith("http://localhost/roles/")
        assert entry.author == "Friends of Etherow Park"
        assert entry.tags[0].term
    by_link = {entry.link: entry for entry in feed.entries}
    hostile = by_link[f"http://localhost/roles/{roles[1].slug}"]
    assert hostile.title == 'Tea & "cake" <script>alert(1)</script> ]]>  café 🍰 </title><x>'
    assert "<b>" not in response.get_data(as_text=True)


def test_entry_ids_stay_the_same_when_a_role_is_renamed(client, db):
    role = make_role(title="Reading buddy")
    first = feedparser.parse(client.get(ATOM).data).entries[0]
    role.title = "Reading friend"
    role.slug = "reading-friend"
    db.session.commit()

    again = feedparser.parse(client.get(ATOM).data).entries[0]

    assert again.id == first.id == f"tag:localhost,{role.created_at.date()}:role/{role.id}"
    assert again.title == "Reading friend"


def test_the_atom_feed_holds_the_newest_fifty_roles_newest_first(client, db):
    organisation = make_organisation()
    category = make_category()
    start = utcnow() - timedelta(days=100)
    for number in range(55):
        make_role(
            organisation,
            category=category,
            title=f"Role {number:02}",
            published_at=start + timedelta(days=number),
        )

    entries = feedparser.parse(client.get(f"{ATOM}?sort=closing").data).entries

    assert [entry.title for entry in entries] == [f"Role {n:02}" for n in range(54, 4, -1)]


def test_the_atom_feed_takes_the_search_parameters(client, db):
    library = make_organisation(name="Reddish Library")
    park = make_organisation(name="Friends of Vernon Park")
    gardening = make_category("Gardening")
    make_role(library, title="Library volunteer", periods=("monday-morning",))
    make_role(park, title="Garden helper", category=gardening, attendance="remote")

    def titles(query: str) -> list[str]:
        response = client.get(f"{ATOM}?{query}")
        assert response.status_code == 200, query
        return sorted(entry.title for entry in feedparser.parse(response.data).entries)

    assert titles(f"organisation={library.slug}") == ["Library volunteer"]
    assert titles(f"category={gardening.slug}") == ["Garden helper"]
    assert titles("period=monday-morning") == ["Library volunteer"]
    assert titles("remote=1") == ["Garden helper"]
    assert titles("q=garden") == ["Garden helper"]
    assert titles("organisation=no-such-organisation") == []
    self_link = feedparser.parse(client.get(f"{ATOM}?organisation={park.slug}").data).feed
    assert f"organisation={park.slug}" in self_link.id


@pytest.mark.parametrize(
    "query",
    [
        "page=-3&remote=yes&period=funday-noon&sort=sideways",
        "q=%22%27--%20OR%201%3D1%20NEAR(%20title%3Ax%20*",
        "category=Not%20A%20Slug&organisation=%F0%9F%8D%B0&commitment=sometimes",
        "q=" + "x" * 5000,
    ],
)
def test_malformed_parameters_give_a_feed_never_an_error(client, db, query):
    make_role(title="Library helper")

    response = client.get(f"{ATOM}?{query}")

    assert response.status_code == 200
    assert feedparser.parse(response.data).bozo == 0


# --- The volunteering data standard -------------------------------------------------------------


def feed_document(client: Any) -> dict[str, Any]:
    response = client.get(JSONLD)
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def test_the_schema_itself_is_valid_json_schema():
    Draft202012Validator.check_schema(feed_schema())


def test_the_feed_validates_against_the_projects_schema(client, db):
    seed_taxonomies()
    library = make_organisation(
        name="Reddish Library", website="https://library.example", charity_number="1234567"
    )
    library.causes = concepts_in("cause")[:3]
    park = make_organisation(name="Friends of Vernon Park")
    rich_role(library, title="Library helper")
    rich_role(library, title="Storyteller", attendance="hybrid")
    make_role(park, title="Online mentor", attendance="remote", description="")

    document = feed_document(client)

    errors = list(
        Draft202012Validator(feed_schema(), format_checker=FormatChecker()).iter_errors(document)
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert document["license"] == "OGL-UK-3.0"
    assert document["publisher"]["name"] == "Riverside Volunteer Hub"
    assert document["modified"] == utcnow().date().isoformat()
    activities = {
        node["name"]: [a["title"] for a in node["activity"]] for node in document["graph"]
    }
    assert activities == {
        "Reddish Library": ["Storyteller", "Library helper"],
        "Friends of Vernon Park": ["Online mentor"],
    }


def test_an_invalid_document_fails_the_schema(client, db):
    """The schema has teeth: a concept that is not an IRI of the standard, or a role without
    its apply link, is refused."""
    seed_taxonomies()
    rich_role(make_organisation())
    document = feed_document(client)
    validator = Draft202012Validator(feed_schema(), format_checker=FormatChecker())
    assert validator.is_valid(document)
    role = document["graph"][0]["activity"][0]["role"][0]
    role["skill"].append("Gardening")
    del role["applyLink"]
    assert {error.validator for error in validator.iter_errors(document)} == {"pattern", "required"}


def concept_iris(node: Any) -> list[str]:
    """Every concept IRI in the document: the values of the concept and time properties."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("cause", "requirement", "reward", "skill", "accessibility", "time"):
                found.extend(value)
            else:
                found.extend(concept_iris(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(concept_iris(item))
    return found


def test_every_concept_iri_in_the_feed_is_in_the_shipped_taxonomies(client, db):
    """Every concept of every scheme and every weekday period is published (so each kind of
    IRI is checked), and each one is in the standard's files; a local skill with no IRI is
    left out."""
    seed_taxonomies()
    organisation = make_organisation()
    organisation.causes = concepts_in("cause")
    role = rich_role(organisation, periods=tuple(period.slug for period in PERIODS))
    role.concepts = [c for s in ("requirement", "reward", "accessibility") for c in concepts_in(s)]
    role.skills = [*db.session.scalars(db.select(Skill)), Skill(name="Knots", slug="knots")]
    db.session.commit()

    iris = concept_iris(feed_document(client))

    assert set(iris) == shipped_iris()
    assert len(iris) == len(set(iris))


def test_unpublished_roles_never_appear_in_either_feed(client, db):
    seed_taxonomies()
    hidden = hidden_roles()
    visible = make_role(make_organisation(name="Open Organisation"), title="Open role")

    atom = client.get(ATOM).get_data(as_text=True)
    jsonld = client.get(JSONLD).get_data(as_text=True)

    for body in (atom, jsonld):
        assert visible.title in body
        for role in hidden:
            assert role.title not in body
            assert role.slug not in body
        for status in HIDDEN_ORGANISATIONS:
            assert f"Hidden {status} organisation" not in body
    assert [node["name"] for node in json.loads(jsonld)["graph"]] == ["Open Organisation"]


def test_the_graph_is_the_same_read_in_small_batches(app, client, db):
    """Organisations are read a batch at a time, the session emptied between batches: with
    batches of two, five organisations (one with no published role) give the same graph."""
    for number in range(5):
        organisation = make_organisation(name=f"Organisation {number}")
        make_role(organisation, title=f"Role {number}a")
        make_role(organisation, title=f"Role {number}b", status="published" if number else "draft")
    make_organisation(name="Organisation without roles")
    served = feed_document(client)["graph"]

    with app.app_context():
        pieces = "".join(["[", *volunteeringdata_graph(batch_size=2)])[:-1]

    assert json.loads(pieces) == served
    assert [node["name"] for node in served] == [f"Organisation {n}" for n in range(5)]
    assert [len(node["activity"]) for node in served] == [1, 2, 2, 2, 2]


def test_an_empty_hub_publishes_an_empty_valid_feed(client, db):
    make_role(title="Draft only", status="draft")

    document = feed_document(client)

    assert document["graph"] == []
    assert Draft202012Validator(feed_schema()).is_valid(document)
    assert feedparser.parse(client.get(ATOM).data).bozo == 0


def test_the_licence_is_a_setting(app, client, db):
    app.config["OPEN_DATA_LICENCE"] = "CC-BY-4.0"
    assert feed_document(client)["license"] == "CC-BY-4.0"


# --- Query counts -------------------------------------------------------------------------------


def spread_roles(organisations: int, per_organisation: int) -> None:
    """Published roles with concepts, skills and periods over many organisations."""
    category = make_category()
    causes = concepts_in("cause")[:2]
    requirement = concepts_in("requirement")[:1]
    skills = list(db.session.scalars(db.select(Skill).limit(2)))
    for _ in range(organisations):
        organisation = make_organisation()
        organisation.causes = causes
        for _ in range(per_organisation):
            role = make_role(organisation, category=category, periods=("monday-morning",))
            role.concepts = [*causes, *requirement]
            role.skills = skills
    db.session.commit()


@pytest.mark.parametrize("url", [JSONLD, ATOM])
def test_the_feeds_send_the_same_number_of_queries_whatever_the_data(client, db, url):
    seed_taxonomies()
    counts = []
    for _ in range(2):
        spread_roles(organisations=100, per_organisation=2)
        db.session.close()
        with counting_statements() as statements:
            response = client.get(url)
            response.get_data()
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 12, counts
