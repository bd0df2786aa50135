"""The read-only JSON API under `/api/v1`: its OpenAPI document validates, every documented
answer matches its schema there, filters and pagination work, malformed values are 400s,
unpublished roles never appear, and each address is rate limited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.factories import make_category, make_locality, make_organisation, make_role, make_skill
from tests.test_feeds import UNPUBLISHED, hidden_roles, rich_role, seed_taxonomies
from tests.test_query_counts import counting_statements
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db
from volunteer_hub.roles.models import Role

OPENAPI = "/api/v1/openapi.json"


def openapi_document(client: Any) -> dict[str, Any]:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def assert_documented(document: dict[str, Any], path: str, response: Any) -> Any:
    """The response's status and media type are documented for `path`, and its body matches
    the schema given there; returns the body."""
    operation = document["paths"][path]["get"]
    status = str(response.status_code)
    assert status in operation["responses"], f"{path} does not document {status}"
    content = operation["responses"][status]["content"]
    assert response.mimetype in content, f"{path} {status}: {response.mimetype} undocumented"
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:openapi", resource)
    schema = content[response.mimetype]["schema"]
    if "$ref" in schema:
        schema = {"$ref": "urn:openapi" + schema["$ref"]}
    validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    body = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{path} {status}:\n" + "\n".join(errors)
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_the_openapi_document_is_valid_openapi_3_1(client, db):
    document = openapi_document(client)

    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
    assert set(document["paths"]) == {
        "/roles",
        "/roles/{role_id}",
        "/organisations",
        "/openapi.json",
    }


def test_every_documented_answer_matches_its_schema(client, db):
    seed_taxonomies()
    organisation = make_organisation(
        name="Reddish Library", website="https://library.example", charity_number="1234567"
    )
    role = rich_role(organisation, title="Library helper", groups_welcome=True, max_group_size=8)
    make_role(organisation, title="Online mentor", attendance="remote", dbs_level="enhanced")
    draft = make_role(organisation, status="draft")
    document = openapi_document(client)
    answers = {
        "/roles": ["/api/v1/roles", "/api/v1/roles?remote=yes", "/api/v1/roles?per_page=0"],
        "/roles/{role_id}": [f"/api/v1/roles/{role.id}", f"/api/v1/roles/{draft.id}"],
        "/organisations": ["/api/v1/organisations", "/api/v1/organisations?kind=club"],
        "/openapi.json": [OPENAPI],
    }
    seen = set()
    for path, urls in answers.items():
        for url in urls:
            response = client.get(url)
            assert_documented(document, path, response)
            seen.add((path, response.status_code))
    assert seen == {
        ("/roles", 200),
        ("/roles", 400),
        ("/roles/{role_id}", 200),
        ("/roles/{role_id}", 404),
        ("/organisations", 200),
        ("/organisations", 400),
        ("/openapi.json", 200),
    }


def test_a_role_in_full(client, db):
    seed_taxonomies()
    role = rich_role(make_organisation(name="Reddish Library"), title="Library helper")

    body = client.get(f"/api/v1/roles/{role.id}").get_json()

    assert body["url"] == f"http://localhost/roles/{role.slug}"
    assert body["organisation"]["name"] == "Reddish Library"
    assert body["organisation"]["url"].startswith("http://localhost/organisations/")
    assert body["description"] == "You will **help** where it is needed."
    assert body["periods"] == ["monday-morning", "saturday-afternoon", "sunday-evening"]
    assert body["address"] == "Gorton Road"
    assert body["postcode"] == "SK5 6UR"
    assert body["apply_by"] == "2030-01-31"
    assert body["minimum_age"] == 16
    assert len(body["causes"]) == 2 and body["causes"][0]["iri"].startswith("https://ns.")
    assert len(body["skills"]) == 3
    assert body["published_at"].endswith("Z")


def test_a_remote_roles_address_is_left_out(client, db):
    role = make_role(attendance="remote", address="12 Private Lane", postcode="SK1 3XE")

    body = client.get(f"/api/v1/roles/{role.id}").get_json()

    assert body["address"] is None and body["postcode"] is None


def test_role_filters(client, db):
    library = make_organisation(name="Reddish Library")
    park = make_organisation(name="Friends of Vernon Park")
    gardening = make_category("Gardening")
    reddish = make_locality("Reddish")
    digging = make_skill("Digging")
    reading = make_role(
        library,
        title="Reading buddy",
        periods=("monday-morning",),
        locality=reddish,
        minimum_age=14,
    )
    garden = make_role(
        park,
        title="Garden helper",
        category=gardening,
        attendance="remote",
        groups_welcome=True,
        minimum_age=16,
    )
    garden.skills = [digging]
    youth = make_role(
        park, title="Youth leader", dbs_level="enhanced", minimum_age=18, commitment="one-off"
    )
    db.session.commit()

    def found(query: str) -> list[int]:
        response = client.get(f"/api/v1/roles?{query}")
        assert response.status_code == 200, query
        return sorted(ids(response.get_json()))

    assert found(f"organisation={library.slug}") == [reading.id]
    assert found(f"organisation={library.slug}&organisation={park.slug}") == sorted(
        [reading.id, garden.id, youth.id]
    )
    assert found(f"category={gardening.slug}") == [garden.id]
    assert found(f"locality={reddish.slug}") == [reading.id]
    assert found(f"skill={digging.slug}") == [garden.id]
    assert found("period=monday-morning") == [reading.id]
    assert found("remote=1") == [garden.id]
    assert found("groups=1") == [garden.id]
    assert found("no_dbs=1") == sorted([reading.id, garden.id])
    assert found("under18=1") == sorted([reading.id, garden.id])
    assert found("commitment=one-off") == [youth.id]
    assert found("q=garden") == [garden.id]
    assert found("q=vernon") == sorted([garden.id, youth.id])
    assert found("category=no-such-category") == []


def test_roles_sort_newest_and_closing(client, db):
    organisation = make_organisation()
    now = utcnow()
    old = make_role(organisation, published_at=now - timedelta(days=3), apply_by=date(2030, 1, 1))
    new = make_role(organisation, published_at=now, apply_by=date(2031, 1, 1))
    soon = make_role(organisation, published_at=now - timedelta(days=1), apply_by=date(2029, 1, 1))

    assert ids(client.get("/api/v1/roles").get_json()) == [new.id, soon.id, old.id]
    assert ids(client.get("/api/v1/roles?sort=closing").get_json()) == [soon.id, old.id, new.id]


@pytest.mark.parametrize(
    ("query", "parameters"),
    [
        ("remote=yes", {"remote"}),
        ("period=funday-noon", {"period"}),
        ("sort=sideways&commitment=sometimes", {"sort", "commitment"}),
        ("category=Not%20A%20Slug", {"category"}),
        ("page=0", {"page"}),
        ("page=%D9%A3", {"page"}),
        ("page=99999999999999999999", {"page"}),
        ("per_page=101", {"per_page"}),
        ("per_page=ten&page=-1", {"per_page", "page"}),
        ("q=" + "x" * 201, {"q"}),
    ],
)
def test_malformed_role_parameters_are_a_400_naming_them(client, db, query, parameters):
    response = client.get(f"/api/v1/roles?{query}")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400
    assert {error["parameter"] for error in body["errors"]} == parameters


@pytest.mark.parametrize(
    "query", ["q=\"'--%20OR%201=1%20NEAR(%20title:x%20*", "q=AND%20OR%20NOT", "q=-", "q=%22"]
)
def test_any_keywords_give_a_page(client, db, query):
    make_role(title="Library helper")

    response = client.get(f"/api/v1/roles?{query}")

    assert response.status_code == 200
    assert response.get_json()["items"] == []


def test_pagination(client, db):
    organisation = make_organisation()
    category = make_category()
    start = utcnow() - timedelta(days=30)
    roles = [
        make_role(organisation, category=category, published_at=start + timedelta(hours=n))
        for n in range(25)
    ]
    newest_first = [role.id for role in reversed(roles)]

    first = client.get(f"/api/v1/roles?per_page=10&organisation={organisation.slug}").get_json()
    last = client.get(first["links"]["last"]).get_json()
    beyond = client.get("/api/v1/roles?per_page=10&page=9").get_json()
    default = client.get("/api/v1/roles").get_json()

    assert (first["total"], first["page"], first["pages"], first["per_page"]) == (25, 1, 3, 10)
    assert ids(first) == newest_first[:10]
    assert first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).get_json()
    assert ids(second) == newest_first[10:20]
    assert parse_qs(urlsplit(first["links"]["next"]).query) == {
        "organisation": [organisation.slug],
        "per_page": ["10"],
        "page": ["2"],
    }
    assert ids(last) == newest_first[20:] and last["links"]["next"] is None
    assert client.get(last["links"]["prev"]).get_json()["page"] == 2
    assert (
        beyond["items"] == []
        and beyond["total"] == 25
        and beyond["links"]["prev"].endswith("page=3")
    )
    assert default["per_page"] == 20 and len(default["items"]) == 20


def test_unpublished_roles_never_appear(client, db):
    hidden = hidden_roles()
    visible = make_role(title="Open role")

    listed = client.get("/api/v1/roles?per_page=100").get_json()

    assert ids(listed) == [visible.id]
    for role in hidden:
        response = client.get(f"/api/v1/roles/{role.id}")
        assert response.status_code == 404, role.status
        assert response.get_json()["title"] == "Not Found"
    assert len(hidden) == len(UNPUBLISHED) + 3


def test_organisations_lists_approved_ones_by_name_with_filters(client, db):
    reddish = make_locality("Reddish")
    library = make_organisation(name="Reddish Library", kind="community-group", locality=reddish)
    rotary = make_organisation(name="Marple Rotary", kind="charity")
    for status in ("pending", "declined", "suspended"):
        make_organisation(name=f"Hidden {status}", status=status)

    def names(query: str = "") -> list[str]:
        response = client.get(f"/api/v1/organisations?{query}")
        assert response.status_code == 200, query
        return [item["name"] for item in response.get_json()["items"]]

    assert names() == ["Marple Rotary", "Reddish Library"]
    assert names("kind=community-group") == ["Reddish Library"]
    assert names(f"locality={reddish.slug}") == ["Reddish Library"]
    assert names("q=rotary") == ["Marple Rotary"]
    assert names("q=100%25_") == []
    assert names("locality=nowhere") == []
    body = client.get("/api/v1/organisations?per_page=1&page=2").get_json()
    assert (body["total"], body["pages"], ids(body)) == (2, 2, [library.id])
    roles_link = client.get("/api/v1/organisations?q=marple").get_json()["items"][0]["roles"]
    assert roles_link == f"http://localhost/api/v1/roles?organisation={rotary.slug}"


@pytest.mark.parametrize("query", ["kind=club", "locality=Not%20Slug", "page=x", "per_page=500"])
def test_malformed_organisation_parameters_are_a_400(client, db, query):
    response = client.get(f"/api/v1/organisations?{query}")

    assert response.status_code == 400
    assert response.get_json()["errors"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/roles", "/api/v1/roles/1", "/api/v1/organisations", OPENAPI, "/api/v1/nothing"],
)
def test_any_website_may_read_the_api(client, db, url):
    response = client.get(url, headers={"Origin": "https://library.example"})

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Origin" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", ["/api/v1/nothing", "/api/v1/roles/abc", "/api/v1/roles/1/x"])
def test_unknown_api_addresses_are_json_404s(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


@pytest.mark.parametrize("app", [{"API_RATE_LIMIT": "3 per minute"}], indirect=True)
def test_each_address_is_rate_limited_with_a_json_429(client, db):
    document = openapi_document(client)
    for _ in range(2):
        assert client.get("/api/v1/organisations").status_code == 200

    refused = client.get("/api/v1/roles")
    other_address = client.get("/api/v1/roles", environ_base={"REMOTE_ADDR": "192.0.2.9"})

    assert refused.status_code == 429
    assert assert_documented(document, "/roles", refused)["status"] == 429
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert int(refused.headers["Retry-After"]) > 0
    assert other_address.status_code == 200
    assert client.get("/roles").status_code == 200  # the site's pages are not counted


def test_the_default_rate_limit_allows_thirty_a_minute(client, db):
    for _ in range(30):
        assert client.get("/api/v1/organisations").status_code == 200
    assert client.get("/api/v1/organisations").status_code == 429


# --- Query counts -------------------------------------------------------------------------------


def spread(organisations: int) -> None:
    category = make_category()
    skills = [make_skill(), make_skill()]
    locality = make_locality()
    for _ in range(organisations):
        organisation = make_organisation(locality=locality)
        for _ in range(2):
            role = make_role(
                organisation, category=category, locality=locality, periods=("monday-morning",)
            )
            role.skills = skills
    db.session.commit()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/roles?per_page=100", "/api/v1/organisations?per_page=100", "/api/v1/roles/{id}"],
)
def test_the_api_sends_the_same_number_of_queries_whatever_the_data(client, db, url):
    """Data spread over 100, then 200 organisations; each page at its largest."""
    counts = []
    for _ in range(2):
        spread(organisations=100)
        url = url.format(id=db.session.scalar(db.select(db.func.max(Role.id))))
        db.session.close()
        with counting_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts
