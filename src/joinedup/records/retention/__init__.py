"""Retention: rules and what is due (rules), erasure leaving a tombstone (erasure, scrub),
legal holds and the officer's reads (officer)."""

from joinedup.records.retention.erasure import (  # noqa: F401
    MODELS,
    erase,
    erase_advice,
    erase_episode,
    erase_person,
    erase_request,
    record_for,
)
from joinedup.records.retention.officer import (  # noqa: F401
    ErasurePreview,
    due_for_officer,
    erasure_preview,
    legal_hold_get,
    legal_hold_lift,
    legal_hold_place,
    legal_holds,
)
from joinedup.records.retention.rules import (  # noqa: F401
    DEFAULT_CHILDREN_UNTIL_AGE,
    ERASE_ORDER,
    MAX_ATTEMPTS,
    NEVER_ERASED,
    PURPOSE,
    DueGroup,
    DueItem,
    F,
    advice_past,
    advice_reference,
    candidates,
    children_kept_until_age,
    due,
    episodes_past,
    months_before,
    persons_past,
    requests_past,
)
from joinedup.records.retention.scrub import EPISODE_TEXT, REQUEST_TEXT  # noqa: F401
