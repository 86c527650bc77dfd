"""`python -m tests.integrations.oidc_provider.serve PORT`: make the provider's database, register
joinedup as a confidential client and add the users, then serve on 127.0.0.1:PORT."""

from __future__ import annotations

import os
import sys


def prepare() -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    client = settings.CONFIG["client"]
    Application.objects.create(
        name=client["name"],
        client_id=client["client_id"],
        client_secret=client["client_secret"],  # kept hashed by the toolkit
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,  # the person is asked to consent, as at a real provider
    )
    for username, person in settings.CONFIG["users"].items():
        User.objects.create_user(
            username=username,
            email=person["email"],
            password=person["password"],
            first_name=person.get("given_name", ""),
            last_name=person.get("family_name", ""),
        )


def main(port: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.integrations.oidc_provider.settings"
    import django

    django.setup()
    prepare()
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main(sys.argv[1])
