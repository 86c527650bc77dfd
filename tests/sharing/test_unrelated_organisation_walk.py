"""Security is tested, not assumed: a practitioner of an unrelated organisation walks every page
and every API operation against every object in the demo partnership. Each attempt is refused;
a refused object looks exactly like a missing one; each refusal is audited."""

from __future__ import annotations

import re
from itertools import islice

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from joinedup.audit.models import AccessEvent
from joinedup.demo import loader
from joinedup.episodes.models import Action, CriticalIncident, Disagreement, Episode, TeamDecision
from joinedup.frontdoor.models import RequestForSupport
from joinedup.identity.models import ImportJob
from joinedup.partnership.models import Organisation
from joinedup.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db
MISSING = 10**9
CSRF = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]+"')
PER_KIND = 8  # objects of each kind tried per route


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """(full route, name) for every URL pattern, with Django's converters kept."""
    resolver = resolver or get_resolver()
    out: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            out += _routes(entry, route)
        elif isinstance(entry, URLPattern):
            out.append((route, entry.name or ""))
    return out


def _ids(route: str) -> list[dict[str, int]]:
    """Real objects for each route's parameters, plus nothing for parameter-free routes."""
    params = re.findall(r"<int:(\w+)>", route)
    if not params:
        return []
    if route.startswith("services/"):
        return []  # the service directory: a catalogue open to every practitioner
    episode_route = route.startswith("episodes/")
    if params == ["person_id"] or route.startswith("people/"):
        return [{params[0]: pk} for pk in Person.objects.values_list("pk", flat=True)[:PER_KIND]]
    if route.startswith("requests/"):
        return [
            {"pk": pk} for pk in RequestForSupport.objects.values_list("pk", flat=True)[:PER_KIND]
        ]
    if route.startswith("records/imports/"):
        return [{"pk": pk} for pk in ImportJob.objects.values_list("pk", flat=True)]
    children = {
        "action_pk": Action,
        "decision_pk": TeamDecision,
        "d_pk": Disagreement,
        "incident_pk": CriticalIncident,
    }
    if episode_route and len(params) == 1:
        return [{"pk": pk} for pk in Episode.objects.values_list("pk", flat=True)[:PER_KIND]]
    if episode_route and params[1] in children:
        model = children[params[1]]
        episode_path = "decision__episode_id" if model is Disagreement else "episode_id"
        rows = model.objects.values_list("pk", episode_path)[:PER_KIND]
        return [{"pk": episode, params[1]: pk} for pk, episode in rows]
    # A route this test does not know yet: try the first ids of every episode and 1..10.
    return [
        {params[0]: e, **{p: i for p in params[1:]}}
        for e in Episode.objects.values_list("pk", flat=True)[:3]
        for i in range(1, 4)
    ]


def _url(route: str, values: dict[str, int]) -> str:
    path = route
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", str(value))
    return "/" + re.sub(r"<\w+:\w+>", "x", path)


def _body(response) -> str:
    return CSRF.sub("", response.content.decode())


@pytest.fixture
def demo(db):
    loader.load(families=25, seed=2026)
    ImportJob.objects.create(organisation=Organisation.objects.first(), filename="records.csv")


@pytest.fixture
def stranger(demo):
    return factories.practitioner(
        factories.organisation("Unrelated Charity", sector="voluntary"), profession="youth_worker"
    )


def test_every_page_refuses_every_object_like_a_missing_one(client, stranger):
    client.force_login(stranger)
    tried = 0
    for route, _name in _routes():
        if route.startswith(("admin/", "api/")):
            continue
        for values in _ids(route):
            before = AccessEvent.objects.filter(actor=stranger, action="refused").count()
            url = _url(route, values)
            for method in ("get", "post"):
                call = getattr(client, method)
                form = {"text": "x", "reason": "x", "reasons": "x"} if method == "post" else {}
                response = call(url, form)
                missing = call(_url(route, {k: MISSING for k in values}), form)
                # 405: a POST-only route answers a GET the same for any id, before any lookup.
                assert response.status_code in (404, 405), (
                    f"{method} {url} answered {response.status_code}"
                )
                assert response.status_code == missing.status_code
                assert _body(response) == _body(missing), f"{url} differs from a missing object"
            refused = AccessEvent.objects.filter(actor=stranger, action="refused").count()
            assert refused > before, f"{url} refused without an audit event"
            tried += 1
    assert tried > 40


def test_pages_without_an_object_show_the_stranger_no_demo_family(client, stranger):
    client.force_login(stranger)
    names = [
        f"{g} {f}" for g, f in islice(Person.objects.values_list("given_name", "family_name"), 400)
    ]
    for route, _name in _routes():
        if "<" in route or route.startswith(("admin/", "api/")) or "sign-out" in route:
            continue
        response = client.get("/" + route)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        leaked = [n for n in names if n in html]
        assert not leaked, f"/{route} shows {leaked[:3]}"


def test_every_api_operation_refuses_every_object_like_a_missing_one(client, stranger):
    client.force_login(stranger)
    schema = client.get("/api/v1/openapi.json").json()
    tried = 0
    for path, operations in schema["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        if not params:
            continue
        route = path.removeprefix("/api/v1/")
        route = re.sub(r"{(\w+)}", r"<int:\1>", route)
        candidates = _api_ids(route, params)
        for values in candidates:
            url = "/api/v1/" + _url(route, values).lstrip("/")
            missing = "/api/v1/" + _url(route, {k: MISSING for k in values}).lstrip("/")
            for method in operations:
                call = getattr(client, method)
                kwargs = (
                    {} if method == "get" else {"data": "{}", "content_type": "application/json"}
                )
                response, gone = call(url, **kwargs), call(missing, **kwargs)
                if response.status_code == 422 and gone.status_code == 422:
                    # A body the schema refuses is refused before any object is looked at:
                    # the same answer for every id, which reveals nothing.
                    assert response.json() == gone.json()
                    continue
                assert response.status_code == 404, f"{method} {url}: {response.status_code}"
                assert response.json() == gone.json()
                tried += 1
    assert tried > 20


def _api_ids(route: str, params: list[str]) -> list[dict[str, int]]:
    if route.startswith("people/"):
        return [{"person_id": pk} for pk in Person.objects.values_list("pk", flat=True)[:PER_KIND]]
    if route.startswith("requests/"):
        return [
            {"request_id": pk}
            for pk in RequestForSupport.objects.values_list("pk", flat=True)[:PER_KIND]
        ]
    if route.startswith("agencies/"):
        return []  # by organisation code, covered in tests/identity_db
    if route.startswith("directory/services"):
        return []  # the service directory: a catalogue open to every practitioner
    children = {
        "action_id": Action,
        "decision_id": TeamDecision,
        "d_id": Disagreement,
        "incident_id": CriticalIncident,
    }
    if params == ["episode_id"]:
        return [
            {"episode_id": pk} for pk in Episode.objects.values_list("pk", flat=True)[:PER_KIND]
        ]
    model = children.get(params[1]) if len(params) > 1 else None
    if model is not None:
        path = "decision__episode_id" if model is Disagreement else "episode_id"
        return [
            {"episode_id": e, params[1]: pk}
            for pk, e in model.objects.values_list("pk", path)[:PER_KIND]
        ]
    if params[0] != "episode_id":  # objects the demo does not make: try the first ids
        return [{p: i for p in params} for i in range(1, 11)]
    return [
        {"episode_id": e, **{p: i for p in params[1:]}}
        for e in Episode.objects.values_list("pk", flat=True)[:5]
        for i in range(1, 6)
    ]
