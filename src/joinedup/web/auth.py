"""The sign-in backend: Django's, loading the practitioner with their team and organisation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class PractitionerBackend(ModelBackend):
    """Every request loads the user; their team comes in the same query, because the menu and
    the policy ask whether it is the front door on every page."""

    def get_user(self, user_id: Any) -> Any:
        user = (
            self.user_model_queryset()
            .select_related("team", "organisation")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def user_model_queryset() -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager
