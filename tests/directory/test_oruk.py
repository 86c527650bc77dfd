"""The ORUK API publishes HSDS 3.0: every response is checked against the standard's schemas,
and nothing that must stay private is ever published."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from joinedup.directory.models import Service

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "fixtures" / "hsds"


def _retrieve(uri: str) -> Resource:
    """The schemas refer to each other by file name: read them from the fixtures."""
    return DRAFT202012.create_resource(json.loads((SCHEMAS / uri.rsplit("/", 1)[-1]).read_text()))


REGISTRY = Registry(retrieve=_retrieve)  # type: ignore[call-arg]


def validate(data: dict, schema_file: str) -> None:
    schema = {"$ref": schema_file}
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def page_schema() -> dict:
    openapi = json.loads((SCHEMAS / "openapi.json").read_text())
    return openapi["components"]["schemas"]["Page"]


def validate_page(body: dict, item_schema: str) -> None:
    page = page_schema()
    for name, spec in page["properties"].items():
        assert name in body, name
        assert isinstance(body[name], int if spec["type"] == "integer" else bool), name
    for item in body["contents"]:
        validate(item, item_schema)


def get(client, path: str, **params):
    response = client.get(path, params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def test_the_index_names_the_version_and_profile(client):
    body = get(client, "/oruk/").json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://") and body["openapi_url"].endswith("openapi.json")


def test_services_validate_against_hsds_3(client, directory):
    body = get(client, "/oruk/services").json()
    validate_page(body, "service.json")
    names = {s["name"] for s in body["contents"]}
    assert {"Sleep clinic", "Boxing fitness", "Community pantry"} <= names
    club = next(s for s in body["contents"] if s["name"] == "Boxing fitness")
    assert club["organization"]["name"] == "Northside Boxing Club"
    assert club["schedules"][0]["byday"] == "MO,TH"
    assert club["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "DS1 9YZ"
    assert club["attributes"][0]["taxonomy_term"]["name"] == "Parenting support"
    one = get(client, f"/oruk/services/{club['id']}").json()
    validate(one, "service.json")
    assert one == club


def test_never_published_internal_refuge_or_staff(client, directory):
    everything = json.dumps(
        [
            get(client, path, per_page=200).json()
            for path in ("/oruk/services", "/oruk/service_at_locations", "/oruk/organizations")
        ]
    )
    assert "Duty desk" not in everything
    assert "SECRET-REFUGE-ADDRESS" not in everything and "Safe House" not in everything
    assert "Nurse Private" not in everything and "07700 900123" not in everything
    # The refuge's service is published, without its place.
    refuge = get(client, f"/oruk/services/{directory.refuge.oruk_id}").json()
    assert refuge["service_at_locations"] == []
    assert get(client, f"/oruk/services/{directory.duty_desk.oruk_id}").status_code == 404
    hidden = directory.refuge.at_locations.get().oruk_id
    assert get(client, f"/oruk/service_at_locations/{hidden}").status_code == 404


def test_service_at_locations_taxonomies_and_organisations_validate(client, directory):
    body = get(client, "/oruk/service_at_locations").json()
    validate_page(body, "service_at_location.json")
    assert body["total_items"] == 3  # clinic, club, pantry; never the refuge
    one = get(client, f"/oruk/service_at_locations/{body['contents'][0]['id']}").json()
    validate(one, "service_at_location.json")
    validate_page(get(client, "/oruk/taxonomies").json(), "taxonomy.json")
    terms = get(client, "/oruk/taxonomy_terms").json()
    validate_page(terms, "taxonomy_term.json")
    assert {t["name"] for t in terms["contents"]} == {"Parenting support", "Food and essentials"}
    orgs = get(client, "/oruk/organizations").json()
    validate_page(orgs, "organization.json")
    assert {o["name"] for o in orgs["contents"]} == {
        "Demo Health Visiting",
        "Northside Boxing Club",
    }


def test_paging_search_taxonomy_and_minimal(client, directory):
    first = get(client, "/oruk/services", per_page=2, page=1).json()
    assert (first["size"], first["total_items"], first["total_pages"]) == (2, 4, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    second = get(client, "/oruk/services", per_page=2, page=2).json()
    assert second["last_page"] and second["page_number"] == 2
    both = {s["id"] for s in first["contents"]} | {s["id"] for s in second["contents"]}
    assert len(both) == 4
    assert [
        s["name"] for s in get(client, "/oruk/services", search="boxing").json()["contents"]
    ] == ["Boxing fitness"]
    food = get(client, "/oruk/services", taxonomy_term_id=str(directory.food.oruk_id)).json()
    assert [s["name"] for s in food["contents"]] == ["Community pantry"]
    minimal = get(client, "/oruk/services", minimal="true").json()
    validate_page(minimal, "service.json")
    assert set(minimal["contents"][0]) == {"id", "name", "status", "last_modified"}
    empty = get(client, "/oruk/services", search="no such thing").json()
    assert empty["empty"] and empty["contents"] == [] and empty["total_pages"] == 1


def test_modified_after(client, directory):
    later = timezone.now() + timedelta(seconds=1)
    assert get(client, "/oruk/services", modified_after=later.isoformat()).json()["empty"]
    Service.objects.filter(pk=directory.club.pk).update(modified_at=later + timedelta(hours=1))
    changed = get(client, "/oruk/services", modified_after=later.isoformat()).json()
    assert [s["name"] for s in changed["contents"]] == ["Boxing fitness"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "lots"}, "per_page"),
        ({"page": "-1"}, "page"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"taxonomy_term_id": "not-a-uuid\x00"}, "taxonomy_term_id"),
    ],
)
def test_bad_parameters_name_the_field(client, directory, params, field):
    response = get(client, "/oruk/services", **params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_cors_preflight_and_no_writes(client):
    preflight = client.options("/oruk/services")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert client.post("/oruk/services", {}).status_code == 405
    assert get(client, "/oruk/services/not-a-uuid").status_code == 404


def test_service_list_queries_stay_flat(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/oruk/services")


def test_the_schema_check_catches_what_hsds_refuses():
    with pytest.raises(AssertionError, match="status"):
        validate(
            {"id": "5f0b1c1e-4d3a-4c8e-9a51-3f0d2b7e9d10", "name": "x", "status": "open"},
            "service.json",
        )
    with pytest.raises(AssertionError, match="uuid"):
        validate({"id": "42", "name": "x", "status": "active"}, "service.json")
