"""The partnership-health rebuild: read casework and survey answers, compute every figure, and store
the results the pages read. One module a step: networks, voice, continuum, surveys, prompts,
storing; `run` drives them."""

from joinedup.insight.rebuild.common import (  # noqa: F401
    COMMUNITY_MEMBERS_LISTED,
    CONTINUUM_PAIRS_KEPT,
    FLOWS_LISTED,
    GROUPINGS,
    LOCALITY_TIES,
    PERIODS,
    STORED_TIES,
    Computed,
    Progress,
)
from joinedup.insight.rebuild.networks import sub_network  # noqa: F401
from joinedup.insight.rebuild.prompts import QUARTER_DAYS  # noqa: F401
from joinedup.insight.rebuild.run import BUILDS_KEPT, STEPS, build_run, compute  # noqa: F401
from joinedup.insight.rebuild.store import store  # noqa: F401
from joinedup.insight.rebuild.surveys import TREND_GROUPS  # noqa: F401
from joinedup.insight.rebuild.voice import LABELS, MEASURE_LABELS, practitioner_activity  # noqa: F401
