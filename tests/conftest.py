from __future__ import annotations

import pytest

from joinedup.frontdoor import services
from joinedup.partnership.models import Role
from tests import factories


@pytest.fixture
def school(db):
    return factories.organisation("Oakfield Primary School")


@pytest.fixture
def other_org(db):
    return factories.organisation("Unrelated Housing Association", sector="housing")


@pytest.fixture
def teacher(school):
    return factories.practitioner(school)


@pytest.fixture
def outsider(other_org):
    """A practitioner of an organisation with no involvement: must be refused everywhere."""
    return factories.practitioner(other_org, profession="housing_officer")


@pytest.fixture
def child(school):
    c = factories.person("Maya", "Jones", nhs_number="9434765919")
    factories.involvement(school, c)
    return c


# Requests for support and the team around the family (shared by several apps' tests).
@pytest.fixture
def council(db):
    return factories.organisation("Demo Council Early Help", sector="statutory")


@pytest.fixture
def hub(council):
    return factories.team(council, "Early Help Hub", front_door=True)


@pytest.fixture
def front_door(council, hub):
    return factories.practitioner(
        council, team=hub, roles=(Role.Code.FRONT_DOOR,), profession="early_help_worker"
    )


@pytest.fixture
def family_worker(council):
    return factories.practitioner(council, profession="family_support_worker")


def raise_request(asker, child, *, red=False, agreement="yes", reason="", submit=True):
    draft = services.request_start(actor=asker, immediate_risk=red)
    services.request_add_person(actor=asker, request=draft, person_id=child.pk)
    services.request_describe(
        actor=asker,
        request=draft,
        concern="Often hungry and tired.",
        needs=[],
        family_wants="Help with routines.",
        family_agreement=agreement,
        not_asked_reason=reason,
        contact_telephone="01632 960000",
    )
    return services.request_submit(actor=asker, request=draft) if submit else draft


@pytest.fixture
def health_org(db):
    from tests import factories as f

    return f.organisation("Demo Health Visiting", sector="health")


@pytest.fixture
def nurse(health_org, child):
    """A health practitioner whose organisation works with the child, but not in the team."""
    from tests import factories as f

    f.involvement(health_org, child, service="Health visiting")
    return f.practitioner(health_org, profession="health_visitor")


@pytest.fixture
def open_episode(teacher, child):
    return services.episode_open_practitioner_led(actor=teacher, persons=[child])
