"""Every write of the team around the family, one function a use case, each atomic and audited:
members and the lead professional (team), the plan and meetings (plan), decisions, disagreements
and critical incidents (disagreements), step-up, step-down and closure (lifecycle), and the
worker's reminders of reviews and escalations (reminders)."""

from joinedup.episodes.services.disagreements import (  # noqa: F401
    ESCALATION_WORKING_DAYS,
    decision_record,
    disagreement_escalate,
    disagreement_raise,
    disagreement_resolve,
    incident_acknowledge,
    incident_record,
)
from joinedup.episodes.services.lead import (  # noqa: F401
    NOT_LEAD_ROLES,
    NOT_LEADS,
    STATUS_AFTER,
    lead_professional_hand_over,
    lead_professional_propose,
    lead_proposal_accept,
    lead_proposal_decline,
    lead_refusal,
)
from joinedup.episodes.services.lifecycle import episode_close, episode_step_down, episode_step_up  # noqa: F401
from joinedup.episodes.services.opening import (  # noqa: F401
    episode_create,
    episode_open_practitioner_led,
    open_episode_for,
)
from joinedup.episodes.services.plan import (  # noqa: F401
    action_add,
    action_update,
    meeting_record,
    outcome_add,
    plan_diff,
    plan_snapshot,
)
from joinedup.episodes.services.reminders import (  # noqa: F401
    escalation_reminders_send,
    review_reminders_send,
)
from joinedup.episodes.services.team import (  # noqa: F401
    LEAD_ROLE,
    REVIEW_WEEKS,
    add_lead_as_member,
    member_add,
    member_remove,
)
