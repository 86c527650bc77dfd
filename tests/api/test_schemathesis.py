"""Property-based tests of the whole API from its OpenAPI schema (schemathesis): no server errors.

Runs on PostgreSQL (`make test-postgres`, and so in CI), where over-long values and NUL
characters used to reach the database as 500s; on SQLite it is skipped. Signed in as a
practitioner with a session cookie and the CSRF header, as a browser would be. Bounded: each
operation gets JOINEDUP_FUZZ_EXAMPLES generated requests (4 by default, to keep CI bounded);
the runs are derandomised, so a failure repeats.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from hypothesis import HealthCheck, given, settings

from joinedup.api.api import api
from joinedup.partnership.models import Role
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]
EXAMPLES = int(os.environ.get("JOINEDUP_FUZZ_EXAMPLES", "4"))


@pytest.fixture
def signed_in(client) -> dict[str, str]:
    """A front-door practitioner and agency data lead with a child, signed in."""
    school = factories.organisation("Oakfield Primary School")
    user = factories.practitioner(school, roles=(Role.Code.FRONT_DOOR, Role.Code.AGENCY_DATA_LEAD))
    factories.involvement(school, factories.person("Maya", "Jones", nhs_number="9434765919"))
    client.force_login(user)
    client.get("/password-reset/")  # a page with a form: sets the CSRF cookie
    session, csrf = client.cookies["sessionid"].value, client.cookies["csrftoken"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_a_server_error(signed_in):
    assert connection.vendor == "postgresql"
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = WSGIHandler()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(headers=signed_in)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{case.as_curl_command(headers=signed_in)[:300]}"
                )

        fuzz()
    assert failures == [], "\n".join(failures[:20])
