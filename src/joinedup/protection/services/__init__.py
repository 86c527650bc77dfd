"""Every write of the child-protection path, one function a use case, each atomic and audited:
the record and its lead (case), multi-agency child protection teams (teams), strategy discussion
to plan and step-down (path), the single assessment and child in need plans (need), family group
decision-making and proceedings (fgdm)."""

from joinedup.protection.services.case import PURPOSE, case_open, lead_practitioner_hand_over  # noqa: F401
from joinedup.protection.services.fgdm import (  # noqa: F401
    fgdm_exemption_record,
    fgdm_meeting_record,
    fgdm_offer_record,
    fgdm_response_record,
    network_member_add,
    proceedings_record,
)
from joinedup.protection.services.need import (  # noqa: F401
    assessment_authorise,
    assessment_start,
    cin_plan_end,
    cin_plan_start,
)
from joinedup.protection.services.path import (  # noqa: F401
    case_step_down,
    conference_record,
    core_group_record,
    enquiry_complete,
    enquiry_start,
    latest_category,
    plan_action_add,
    review_due_on,
    strategy_record,
)
from joinedup.protection.services.teams import (  # noqa: F401
    cp_team_create,
    cp_team_member_add,
    cp_team_member_remove,
)
