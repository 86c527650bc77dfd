"""Casework models, one module a concern; Django sees them all as the casework app's models."""

from joinedup.casework.models.assessment import *  # noqa: F403
from joinedup.casework.models.chronology import *  # noqa: F403
from joinedup.casework.models.requests import *  # noqa: F403
from joinedup.casework.models.team import *  # noqa: F403
