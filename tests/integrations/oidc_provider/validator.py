from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The claims a real organisation's provider gives: the email address, whether the provider
    has verified it, and the name (scopes email and profile)."""

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        person = settings.CONFIG["users"][user.username]
        return {
            "email": user.email,
            "email_verified": bool(person.get("email_verified", True)),
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
        }
