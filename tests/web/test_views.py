from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.audit.models import AccessEvent
from joinedup.partnership.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def without_csrf(response) -> str:
    """The page with its per-response CSRF mask and CSP nonce blanked, to compare two pages."""
    return re.sub(
        r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]+"', "", response.content.decode()
    )


def sign_in(client, user, password=factories.PASSWORD):
    return client.post(reverse("web:sign-in"), {"username": user.email, "password": password})


def test_sign_in_with_email_and_password(client, teacher):
    response = sign_in(client, teacher)
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_a_wrong_password_shows_the_error_summary_and_records_no_audit_event(client, teacher):
    response = sign_in(client, teacher, password="wrong password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Enter a correct email address and password" in html
    assert 'href="#id_username"' in html
    assert not AccessEvent.objects.exists()


def test_repeated_failures_lock_the_account(client, teacher):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, teacher, password="wrong password")
    response = sign_in(client, teacher)  # right password, but locked
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_pages_need_a_signed_in_user(client, child):
    for url in (
        reverse("web:home"),
        reverse("web:person", args=[child.pk]),
        reverse("web:directory"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("web:sign-in"))


def test_idle_sign_out_after_thirty_minutes(client, teacher):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(teacher)
    assert client.get(reverse("web:home")).status_code == 200
    key = client.session.session_key
    touched = Session.objects.get(pk=key).expire_date
    # Within the minute nothing is written again.
    client.get(reverse("web:home"))
    assert Session.objects.get(pk=key).expire_date == touched
    # Last saved over a minute ago: the expiry moves on by the idle time.
    session = client.session
    session["_touched"] -= settings.SESSION_TOUCH_SECONDS
    session.save()
    before = Session.objects.get(pk=key).expire_date
    client.get(reverse("web:home"))
    assert Session.objects.get(pk=key).expire_date > before
    # Idle past the limit: signed out.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("web:sign-in"))


def test_sign_out(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("web:sign-out"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_home_lists_only_my_organisations_people(client, teacher, child, other_org):
    stranger = factories.person("Zed", "Other")
    factories.involvement(other_org, stranger)
    client.force_login(teacher)
    html = client.get(reverse("web:home")).content.decode()
    assert "Maya Jones" in html and "Zed Other" not in html
    event = AccessEvent.objects.filter(object_type="people.person_list").get()
    assert event.person_ids == [child.pk]


def test_search_by_name_and_date_of_birth(client, teacher, school, child):
    sibling = factories.person("Sam", "Jones", dob=child.date_of_birth.replace(year=2017))
    factories.involvement(school, sibling)
    client.force_login(teacher)
    url = reverse("web:home")
    html = client.get(url, {"name": "jones"}).content.decode()
    assert "Maya Jones" in html and "Sam Jones" in html
    dob = child.date_of_birth
    html = client.get(
        url,
        {
            "name": "jones",
            "date_of_birth_0": dob.day,
            "date_of_birth_1": dob.month,
            "date_of_birth_2": dob.year,
        },
    ).content.decode()
    assert "Maya Jones" in html and "Sam Jones" not in html


def test_a_bad_date_of_birth_is_named_in_the_error_summary(client, teacher, child):
    client.force_login(teacher)
    response = client.get(
        reverse("web:home"),
        {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2015"},
    )
    html = response.content.decode()
    assert "There is a problem" in html and "Date of birth must be a real date" in html


def test_home_query_count_stays_flat(client, teacher, school, django_assert_max_num_queries):
    def queries_for_home() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:home")).status_code == 200
        return len(captured)

    client.force_login(teacher)
    factories.involvement(school, factories.person("Child", "First"))
    queries_for_home()  # the session's first page also asks for the menu (kept a minute)
    few = queries_for_home()
    for i in range(40):
        factories.involvement(school, factories.person(f"Child{i}", "Flat"))
    assert queries_for_home() == few
    with django_assert_max_num_queries(20):
        client.get(reverse("web:home"))


def test_person_page_shows_family_and_involvements(client, teacher, school, child):
    from joinedup.people import services

    mother = factories.person(
        "Rita", "Jones", kind="adult", dob=child.date_of_birth.replace(year=1985)
    )
    services.relationship_add(
        actor=None, person=mother, relative=child, kind="parent", parental_responsibility=True
    )
    client.force_login(teacher)
    html = client.get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Maya Jones" in html and "Rita Jones" in html and "Parent" in html
    assert school.name in html
    assert "27 March 2015" in html


def test_person_page_refuses_another_organisation_exactly_like_a_missing_page(
    client, outsider, child
):
    client.force_login(outsider)
    forbidden = client.get(reverse("web:person", args=[child.pk]))
    missing = client.get(reverse("web:person", args=[child.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
    assert without_csrf(forbidden) == without_csrf(missing)
    assert AccessEvent.objects.filter(action="refused", actor=outsider).count() == 2
    assert "Maya" not in forbidden.content.decode()


def test_directory_lists_organisations_and_teams(client, teacher, school):
    factories.team(school, "Pastoral")
    client.force_login(teacher)
    html = client.get(reverse("web:directory")).content.decode()
    assert school.name in html and "Pastoral" in html


def test_a_role_can_require_a_second_factor(client, school):
    role, _ = Role.objects.get_or_create(code=Role.Code.DATA_PROTECTION_OFFICER)
    role.requires_two_factor = True
    role.save()
    officer = factories.practitioner(school, roles=(Role.Code.DATA_PROTECTION_OFFICER,))
    sign_in(client, officer)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("web:two-factor"))
    page = client.get(reverse("web:two-factor")).content.decode()
    assert "Set up your authenticator app" in page
    device = TOTPDevice.objects.get(user=officer)
    bad = client.post(reverse("web:two-factor"), {"token": "000000"})
    assert "not correct" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the next try; the test need not wait
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("web:two-factor"), {"token": token})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_error_pages_are_styled(client, teacher):
    client.force_login(teacher)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "govuk-heading-l" in response.content.decode()


def test_every_page_has_a_title_naming_the_service(client, teacher, child):
    client.force_login(teacher)
    for url in (
        reverse("web:home"),
        reverse("web:person", args=[child.pk]),
        reverse("web:directory"),
    ):
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1
        assert "– joinedup</title>" in html
