"""The refuge family of the family tests, with outcome scores over time, made through the real
services; plus a partnership manager and an outsider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.episodes import services as t
from joinedup.episodes.models import Episode, WantedOutcome
from joinedup.partnership.models import Role
from tests import factories
from tests.family.conftest import family, family_user, make_family, mother_user  # noqa: F401

__all__ = ["family_user", "make_family", "opened_days_ago", "second_outcome"]


def opened_days_ago(episode: Episode, days: int) -> None:
    """Test set-up only: the episode began `days` ago, so scores can be dated in the past."""
    Episode.objects.filter(pk=episode.pk).update(opened_at=timezone.now() - timedelta(days=days))
    episode.refresh_from_db()


def second_outcome(fam) -> WantedOutcome:
    return t.outcome_add(actor=fam.lead, episode=fam.episode, text="A settled home")


@pytest.fixture
def manager(db):
    return factories.practitioner(roles=(Role.Code.PARTNERSHIP_MANAGER,))


@pytest.fixture
def outsider_user(db):
    return factories.practitioner(factories.organisation("Unrelated Org"))
