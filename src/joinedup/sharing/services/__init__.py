"""Every write of information sharing, one function a use case, each atomic and audited:
break-glass (break_glass), consent records (consent), sharing decisions and confidential
addresses (decisions), advice without naming the family (advice)."""

from joinedup.sharing.services.advice import advice_answer, advice_ask  # noqa: F401
from joinedup.sharing.services.break_glass import (  # noqa: F401
    DEFAULT_BREAK_GLASS_HOURS,
    break_glass_hours,
    break_glass_open,
    break_glass_recipients,
    break_glass_review,
)
from joinedup.sharing.services.consent import consent_give, consent_givers, consent_withdraw  # noqa: F401
from joinedup.sharing.services.decisions import (  # noqa: F401
    address_confidential_set,
    address_permission_revoke,
    sharing_decision_record,
)
