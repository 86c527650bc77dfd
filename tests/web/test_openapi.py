"""The published OpenAPI schema: one name per schema, every error documented (item 16)."""

from __future__ import annotations

import pytest
from ninja import Schema

from joinedup.api.api import ERROR_STATUSES, api
from joinedup.episodes import api as episodes_api


def _schema_classes(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        if sub.__module__.startswith("joinedup."):
            found.append(sub)
        found += _schema_classes(sub)
    return found


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def test_no_two_published_schemas_share_a_name(schema):
    published = set(schema["components"]["schemas"])
    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes(Schema):
        if cls.__name__ in published:
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_the_episode_routes_publish_the_episode_schemas(schema):
    components = schema["components"]["schemas"]
    for cls in (episodes_api.ActionOut, episodes_api.MemberOut):
        assert set(components[cls.__name__]["properties"]) == set(cls.model_fields)


def test_every_operation_documents_the_error_statuses_with_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ERROR_STATUSES:
                documented = operation["responses"].get(status) or operation["responses"].get(
                    str(status)
                )
                assert documented, f"{method.upper()} {path} does not document {status}"
                ref = documented["content"]["application/json"]["schema"]["$ref"]
                shape = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
                # ErrorOut, or a route's own answer that carries the error shape and more
                # (a 409 with the persons probably the same).
                assert ref.endswith("/ErrorOut") or {"message", "field"} <= set(shape)
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["message", "field"]
