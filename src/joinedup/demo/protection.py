"""The demo's child-protection story, made through the real services.

Maya Hale (7) goes to Oakfield Primary. In September 2025 the school's designated safeguarding
lead opened a team around the family and stepped it up to children's social care: Maya was often
hungry and late, and her mother was struggling. Daniel Hughes (social worker) accepted the lead
and became her Lead Child Protection Practitioner. His single assessment found neglect and her
mother's poor mental health, and Maya had a child in need plan from October. In November bruising
was seen at school: a strategy discussion (social work, police, health, education) started a
section 47 enquiry; the initial conference put Maya on a child protection plan for physical
abuse, which took over from the child in need plan, with actions owned by the school, health and
the police; the core group met, and the first review continued the plan.
Before proceedings her mother and grandmother were offered a family group decision-making meeting
in the letter before proceedings; both accepted and it was held. The police decided not to
disclose one piece of information under the duty to share, and said why. The 2025 to 2026 Children
in Need census return for her passes the DfE rules with no errors and no queries.

Two multi-agency child protection teams: North has all four required memberships; South has no
police member yet, and says so. Safe to run again: it adds only what is missing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from joinedup.demo.families import ANCHOR
from joinedup.episodes import services as episodes
from joinedup.episodes.models import TeamMember
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people import services as people
from joinedup.people.models import Person
from joinedup.protection import services
from joinedup.protection.models import ChildProtectionTeam, ProtectionCase
from joinedup.sharing import services as sharing

REFERENCE = "FAM-HALE-1"
# The demo's local authority code in the census header (set JOINEDUP_CIN_LA_CODE for a real one).
DEMO_LA_CODE = "999"
# Maya's unique pupil number, with its check letter. Its local authority part is 001, a code the
# census's UPN rules recognise, since the demo's council is not a real one.
MAYA_UPN = "B001200124001"


def _staff(email: str) -> Practitioner:
    return Practitioner.objects.get(email=email)


def _org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def _teams(manager: Practitioner) -> ChildProtectionTeam:
    north = ChildProtectionTeam.objects.filter(name="Demo Shire North MACPT").first()
    if north is None:
        north = services.cp_team_create(
            actor=manager, name="Demo Shire North MACPT", area="North Demo Shire"
        )
        for email, agency, icb in (
            ("amira.khan@oakfield.example", "education", False),
            ("daniel.hughes@socialcare.example", "social_work", False),
            ("ruth.morris@hv.example", "health", True),
            ("laura.wright@police.example", "police", False),
        ):
            services.cp_team_member_add(
                actor=manager,
                team=north,
                practitioner=_staff(email),
                agency=agency,
                nominated_by_icb=icb,
                joined_on=date(2025, 9, 1),
            )
    if not ChildProtectionTeam.objects.filter(name="Demo Shire South MACPT").exists():
        south = services.cp_team_create(
            actor=manager, name="Demo Shire South MACPT", area="South Demo Shire"
        )
        for email, agency, icb in (
            ("imran.hussain@socialcare.example", "social_work", False),
            ("fatima.begum@hv.example", "health", True),
        ):
            services.cp_team_member_add(
                actor=manager,
                team=south,
                practitioner=_staff(email),
                agency=agency,
                nominated_by_icb=icb,
                joined_on=date(2025, 9, 1),
            )
    return north


def _hales() -> dict[str, Person]:
    born = ANCHOR.replace(year=ANCHOR.year - 7)
    specs = [
        ("maya", "Maya", "child", "female", born, MAYA_UPN),
        ("kerry", "Kerry", "adult", "female", date(1994, 2, 11), ""),
        ("pat", "Pat", "adult", "female", date(1967, 8, 30), ""),
    ]
    persons = {
        key: people.person_create(
            actor=None,
            reference=f"FAM-HALE-{n}",
            given_name=given,
            family_name="Hale",
            kind=kind,
            sex=sex,
            date_of_birth=dob,
            upn=upn,
            address="12 Willow Street, Demoford",
            postcode="DM1 3QT",
        )
        for n, (key, given, kind, sex, dob, upn) in enumerate(specs, 1)
    }
    people.relationship_add(
        actor=None,
        person=persons["kerry"],
        relative=persons["maya"],
        kind="parent",
        parental_responsibility=True,
    )
    people.relationship_add(
        actor=None, person=persons["pat"], relative=persons["maya"], kind="grandparent"
    )
    for who in ("maya", "kerry"):
        people.involvement_start(
            actor=None,
            organisation=_org("oakfield-primary"),
            person=persons[who],
            kind="universal",
            service="Pupil, year 3" if who == "maya" else "Parent",
            started_on=date(2024, 9, 4),
        )
    return persons


ATTENDEES = [
    ("Daniel Hughes", "social_work"),
    ("DC Laura Wright", "police"),
    ("Ruth Morris", "health"),
    ("Amira Khan", "education"),
]


def _child_in_need(case: ProtectionCase, sw: Practitioner) -> None:
    """The single assessment, authorised with the factors identified, and the child in need plan
    that followed it (the child protection plan takes over from it at the initial conference)."""
    assessment = services.assessment_start(
        actor=sw,
        case=case,
        started_on=date(2025, 9, 16),
        social_worker=sw,
        summary="Maya's care at home: food, routines, school, and how Kerry is coping.",
    )
    services.assessment_authorise(
        actor=sw,
        assessment=assessment,
        authorised_on=date(2025, 10, 10),
        factors=["4B", "16A"],
        summary="Kerry's low mood leaves Maya without breakfast and late most days; Kerry "
        "wants help. A child in need plan: breakfast club, a GP review for Kerry, weekly visits.",
    )
    services.cin_plan_start(actor=sw, case=case, started_on=date(2025, 10, 13))


def _path(case: ProtectionCase, sw: Practitioner) -> None:
    services.strategy_record(
        actor=sw,
        case=case,
        held_on=date(2025, 11, 5),
        attendees=ATTENDEES,
        decision="s47",
        reasons="Bruising to Maya's arm seen at school; her account does not match it.",
    )
    services.enquiry_start(actor=sw, case=case, started_on=date(2025, 11, 5))
    services.enquiry_complete(
        actor=sw,
        case=case,
        outcome="conference",
        reasons="A medical found injuries consistent with being grabbed. Concerns substantiated.",
        completed_on=date(2025, 11, 20),
    )
    services.conference_record(
        actor=sw,
        case=case,
        kind="initial",
        held_on=date(2025, 11, 21),
        attendees=[*ATTENDEES, ("Kerry Hale", "other")],
        decision="plan",
        category="PHY",
        family_views="Kerry wants help with Maya's behaviour at bedtime and with her own stress.",
        child_views="Maya likes school and her gran's house, and wants Mum to stop shouting.",
        reports={
            "education": "Attendance 91%. Maya is quieter since half term.",
            "health": "Growth and development on track; one earlier A&E visit for a fall.",
            "police": "One call-out in October for a raised-voices report; no further action.",
        },
    )


def _plan(case: ProtectionCase, sw: Practitioner) -> None:
    episode = case.episode
    for email, role in (
        ("ruth.morris@hv.example", "School nurse"),
        ("laura.wright@police.example", "Police"),
    ):
        episodes.member_add(actor=sw, episode=episode, practitioner=_staff(email), role=role)
    members = {
        m.practitioner.email: m
        for m in TeamMember.objects.filter(
            episode=episode, left_at__isnull=True, practitioner__isnull=False
        ).select_related("practitioner")
        if m.practitioner is not None
    }
    for email, text, due in (
        ("amira.khan@oakfield.example", "Check in with Maya each morning", date(2027, 1, 15)),
        ("ruth.morris@hv.example", "Health review for Maya", date(2027, 1, 22)),
        (
            "daniel.hughes@socialcare.example",
            "Visit at home every 10 working days",
            date(2027, 1, 8),
        ),
        ("laura.wright@police.example", "Tell the core group of any call-out", date(2027, 3, 31)),
    ):
        services.plan_action_add(actor=sw, case=case, owner=members[email], text=text, due_on=due)
    services.core_group_record(
        actor=sw,
        case=case,
        held_on=date(2025, 12, 3),
        attended="Social work, school, school nurse, police; Kerry Hale",
        notes="Bedtime routine agreed; Kerry to start a parenting course in January.",
    )
    services.conference_record(
        actor=sw,
        case=case,
        kind="review",
        held_on=date(2026, 2, 19),
        attendees=ATTENDEES,
        decision="continue",
        category="PHY",
        family_views="Kerry says things are calmer; the course helps.",
        child_views="Maya likes the sticker chart.",
    )


def _family_group_decision_making(case: ProtectionCase, sw: Practitioner) -> None:
    kerry = services.network_member_add(
        actor=sw,
        case=case,
        name="Kerry Hale",
        relationship="Mother",
        contact="07700 900123",
        parental_responsibility=True,
    )
    pat = services.network_member_add(
        actor=sw, case=case, name="Pat Hale", relationship="Grandmother", contact="07700 900456"
    )
    offer = services.fgdm_offer_record(
        actor=sw,
        case=case,
        offered_on=date(2026, 3, 2),
        to=[kerry, pat],
        in_letter_before_proceedings=True,
    )
    for response in offer.responses.all():
        services.fgdm_response_record(
            actor=sw, response=response, answer="accepted", answered_on=date(2026, 3, 4)
        )
    services.fgdm_meeting_record(
        actor=sw,
        case=case,
        held_on=date(2026, 3, 16),
        attended=[kerry, pat],
        child_participation="part",
        family_plan="Pat has Maya every Friday night and collects her from school on Wednesdays; "
        "Kerry calls Pat when she feels overwhelmed.",
    )


def _not_disclosed(case: ProtectionCase) -> None:
    officer = _staff("laura.wright@police.example")
    sharing.sharing_decision_record(
        actor=officer,
        person=case.child,
        choice="not_share",
        what="Intelligence about a relative's contact with a man under investigation",
        categories=["criminal_justice"],
        recipients=[_org("oakfield-primary")],
        purpose="safeguarding",
        reasons="An investigation is under way; the child protection team already knows.",
        more_detrimental_reasons="Telling the school now could reach the family and lead the "
        "man to move Maya's contact elsewhere, out of sight of the plan.",
    )


@transaction.atomic
def load_protection() -> int:
    """Returns 1 when the story was added, 0 when it was already there (or no partnership)."""
    if not Practitioner.objects.filter(email="daniel.hughes@socialcare.example").exists():
        return 0
    north = _teams(_staff("ravi.patel@earlyhelp.example"))
    if Person.objects.filter(reference=REFERENCE).exists():
        return 0
    dsl = _staff("amira.khan@oakfield.example")
    sw = _staff("daniel.hughes@socialcare.example")
    p = _hales()
    episode = episodes.episode_open_practitioner_led(actor=dsl, persons=[p["maya"], p["kerry"]])
    proposal = episodes.episode_step_up(
        actor=dsl,
        episode=episode,
        to=sw,
        reason="Maya is often hungry and late; her mother is struggling to cope.",
    )
    episodes.lead_proposal_accept(actor=sw, proposal=proposal)
    episode.refresh_from_db()
    case = services.case_open(
        actor=sw,
        episode=episode,
        child=p["maya"],
        lead_practitioner=sw,
        referral_date=date(2025, 9, 15),
        cp_team=north,
        referral_source="2A",
        primary_need="N1",
        ethnicity="WBRI",
        disabilities=["NONE"],
    )
    _child_in_need(case, sw)
    _path(case, sw)
    _plan(case, sw)
    _family_group_decision_making(case, sw)
    _not_disclosed(case)
    return 1
