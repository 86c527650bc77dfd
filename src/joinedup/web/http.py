from __future__ import annotations

from django.http import HttpRequest

from joinedup.partnership.models import Practitioner


class AuthedRequest(HttpRequest):
    """A request behind login_required (or the API's authentication): the user is a Practitioner."""

    user: Practitioner  # type: ignore[assignment]
