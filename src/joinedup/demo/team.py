"""Demo teams around families, in every state an episode can be in: open with a plan whose actions
are in every status, a review overdue, a disagreement at level 2, an unacknowledged critical
incident, a pattern alert waiting for the lead, stepped up, stepped down, and closed for each
reason (with the family's feedback). Each family has early-help assessments, completed and in
draft, written from its own random stream.

Everything is made through the real services; dates are moved back afterwards (demo only) so
episodes have a history and reviews and actions can be overdue.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from joinedup.assessments import services as a
from joinedup.assessments.models import Assessment
from joinedup.chronology import services as chronology
from joinedup.chronology.models import ChronologyKind
from joinedup.demo.casework import assessment_answers, redate_decision
from joinedup.demo.families import ANCHOR
from joinedup.episodes import feedback
from joinedup.episodes import services as t
from joinedup.episodes.models import (
    Action,
    Closure,
    Episode,
    EpisodeStatusChange,
    LeadHandover,
    Meeting,
    PlanVersion,
    TeamDecision,
    TeamMember,
)
from joinedup.frontdoor import services
from joinedup.frontdoor.models import RequestEvent, RequestForSupport
from joinedup.outcomes.selectors import default_categories
from joinedup.partnership.models import Practitioner
from joinedup.people import services as people_services
from joinedup.people.models import HIDDEN_SERVICE_CATEGORIES, Person, Relationship
from joinedup.sharing import policy

MEMBERS = [
    ("sarah.collins@hv.example", "Health visitor"),
    ("amira.khan@oakfield.example", "School safeguarding lead"),
    ("maria.silva@safeharbour.example", "Domestic abuse adviser"),
    ("chris.norton@familyfriends.example", "Family support volunteer"),
    ("laura.wright@police.example", "Police safeguarding officer"),
    ("gary.holmes@harbourhomes.example", "Tenancy support"),
]
OUTCOMES = [
    ("The children are in school every day, on time", "enjoy-and-achieve"),
    ("Mum feels less alone and knows where to get help", "be-healthy"),
    ("Everyone at home feels safe", "stay-safe"),
]
ACTIONS = [
    "Morning routine chart and a weekly check-in",
    "Referral to the parenting group",
    "Home visit to review sleep and feeding",
    "Safety planning session with mum",
    "Help with the housing benefit claim",
    "Walk to school together on Mondays",
]
NOT_DONE_REASONS = [
    "The parenting group closed for the summer; a new one starts next term.",
    "Mum decided not to go ahead for now; we will ask again at the review.",
    "The family moved to temporary housing before the visit.",
]
# Practitioners who start teams themselves when the front door's episodes are too few: those
# whose organisations work with whole families come first, so the parents join the team.
PRACTITIONER_LEADS = [
    "chris.norton@familyfriends.example",
    "karen.lloyd@millbrookgp.example",
    "yasmin.ali@eastside.example",
    "maria.silva@safeharbour.example",
    "amira.khan@oakfield.example",
    "sarah.collins@hv.example",
]
SOCIAL_WORKERS = ["daniel.hughes@socialcare.example", "chloe.evans@socialcare.example"]

# One episode in each state, in episode order; any more stay open.
STATES = [
    "open",  # actions in every status, review overdue, disagreement at level 2, a pattern alert
    "open",  # an unacknowledged critical incident, an acknowledged alert, a reassessment draft
    "open",  # assessment still in draft, an involvement that has ended
    "stepped_up",
    "stepped_down",
    *(f"closed:{reason}" for reason in Closure.Reason.values),
]
CLOSING_SUMMARIES = {
    Closure.Reason.OUTCOMES_ACHIEVED: "Attendance is back to 96% and mum is at the parenting "
    "group. The school will keep an eye and the family know how to ask again.",
    Closure.Reason.FAMILY_WITHDREW: "Mum has asked for support to stop. She knows how to come "
    "back; the school and health visitor continue as usual.",
    Closure.Reason.STEPPED_UP: "A child protection plan is in place. The work continues in "
    "children's social care's own record.",
    Closure.Reason.MOVED_AWAY: "The family have moved to another county. Their early help team "
    "has had the plan and the chronology, with mum's agreement.",
    Closure.Reason.OTHER: "Dad now cares for the children full-time with his family's help; the "
    "worries that brought us together have gone.",
}
FEEDBACK = {
    Closure.Reason.OUTCOMES_ACHIEVED: (
        "in_person",
        5,
        "Having one person who knew everything, so I didn't have to keep explaining.",
        "It took months to get anyone to listen at the start.",
    ),
    Closure.Reason.MOVED_AWAY: (
        "phone",
        3,
        "The help with the housing forms.",
        "Too many meetings, and they were always in school hours.",
    ),
    Closure.Reason.OTHER: ("phone", 4, "The family support volunteer. She just got it.", ""),
}


def _rng(seed: int, episode: Episode, what: str) -> random.Random:
    """The family's own random stream (by the reference of the episode's first person, so two
    episodes in one family differ), one per purpose, so adding one thing changes no other."""
    reference = min(p.reference for p in episode.persons.all())
    return random.Random(f"{seed}-{reference}-{what}")


def _member(episode: Episode, email: str, role: str) -> TeamMember:
    practitioner = Practitioner.objects.get(email=email)
    existing = TeamMember.objects.filter(
        episode=episode, practitioner=practitioner, left_at__isnull=True
    ).first()
    return existing or t.member_add(
        actor=episode.lead_professional, episode=episode, practitioner=practitioner, role=role
    )


# --- Enough episodes for every state --------------------------------------------------------


def _family_of(person: Person) -> str:
    return person.reference.split("-")[1] if person.reference.count("-") == 2 else person.reference


def _parent_links(child: Person) -> list[Relationship]:
    links = Relationship.objects.filter(relative=child, kind__in=["parent", "step_parent"])
    return list(links.select_related("person").order_by("person__pk"))


def _practitioner_led(lead: Practitioner, taken: set[str]) -> Episode | None:
    """A team started by a practitioner working with a child (and the parents they know), in
    a family that has no episode yet."""
    children = list(
        policy.persons_visible_to(lead)
        .filter(kind="child", episodes__isnull=True, requests__isnull=True)
        .order_by("pk")[:40]
    )
    visible = set(policy.persons_visible_to(lead).values_list("pk", flat=True))
    candidates = [c for c in children if _family_of(c) not in taken]
    # Families where the practitioner also knows a parent first: the parent joins the team.
    candidates.sort(key=lambda c: not any(r.person_id in visible for r in _parent_links(c)))
    if not candidates:
        return None
    child = candidates[0]
    taken.add(_family_of(child))
    parents = [r.person for r in _parent_links(child) if r.person_id in visible]
    return services.episode_open_practitioner_led(
        actor=lead,
        persons=[child, *parents],
        reason="Worries shared by the school and the health visitor.",
    )


def _episodes(needed: int) -> list[Episode]:
    episodes = list(Episode.objects.order_by("pk"))
    taken = {_family_of(p) for e in episodes for p in e.persons.all()}
    leads = [Practitioner.objects.get(email=e) for e in PRACTITIONER_LEADS]
    for attempt in range(len(leads) * 3):
        if len(episodes) >= needed:
            break
        made = _practitioner_led(leads[attempt % len(leads)], taken)
        if made is not None:
            episodes.append(made)
    return episodes


# --- The team, the plan and the first meeting ---------------------------------------------


def _team(episode: Episode, rng: random.Random) -> list[TeamMember]:
    members = [_member(episode, email, role) for email, role in rng.sample(MEMBERS, 4)]
    adult = episode.persons.filter(kind="adult").order_by("pk").first()
    if adult is not None:
        members.append(
            t.member_add(
                actor=episode.lead_professional, episode=episode, person=adult, role="Parent"
            )
        )
    return members


def _plan(episode: Episode, members: list[TeamMember], rng: random.Random, index: int) -> list:
    """Two outcomes; four actions, one in each status (one not done, with the reason)."""
    lead = episode.lead_professional
    categories = {c.code: c for c in default_categories()}
    outcomes = [
        t.outcome_add(actor=lead, episode=episode, text=text, category=categories.get(code))
        for text, code in rng.sample(OUTCOMES, 2)
    ]
    today = timezone.localdate()
    for n, text in enumerate(rng.sample(ACTIONS, 4)):
        action = t.action_add(
            actor=lead,
            episode=episode,
            owner=members[n % len(members)],
            text=text,
            due_on=today + timedelta(days=7 * n),
            outcome=outcomes[n % 2],
        )
        if n == 0:
            t.action_update(actor=lead, action=action, status="done", note="Done at the visit.")
        elif n == 1:
            t.action_update(
                actor=lead, action=action, status="in_progress", note="First session booked."
            )
            if index % 2 == 0:  # overdue
                Action.objects.filter(pk=action.pk).update(due_on=today - timedelta(days=5))
        elif n == 2:
            t.action_update(
                actor=lead,
                action=action,
                status="not_done",
                not_done_reason=rng.choice(NOT_DONE_REASONS),
            )
    return outcomes


def _meeting(
    episode: Episode,
    members: list[TeamMember],
    outcomes: list,
    rng: random.Random,
    index: int,
    held_on: date,
) -> None:
    today = timezone.localdate()
    t.meeting_record(
        actor=episode.lead_professional,
        episode=episode,
        kind="team",
        held_on=held_on,
        attendance={m.pk: rng.choice(["attended", "attended", "apologies"]) for m in members},
        family_attended=True,
        family_said=rng.choice(
            [
                "We want things to feel calmer at home.",
                "Mum said she wants one person to talk to, not six.",
                "The children want to stay at their school whatever happens.",
            ]
        ),
        decisions=[("Meet again in six weeks", "The plan has only just started")],
        judgements={o.pk: rng.choice(["better", "no_change"]) for o in outcomes},
        next_review_on=today + timedelta(days=(-4 if index % 3 == 0 else 20)),
    )


# --- Assessments ---------------------------------------------------------------------------


def _age(person: Person) -> int:
    if person.date_of_birth is None:
        return 8
    dob = person.date_of_birth
    return ANCHOR.year - dob.year - ((ANCHOR.month, ANCHOR.day) < (dob.month, dob.day))


def _write(actor: Practitioner, episode: Episode, answers: dict) -> Assessment:
    assessment = a.assessment_start(actor=actor, episode=episode)
    for domain in assessment.template.domains:
        codes = {f["code"] for f in domain["factors"]}
        if codes & set(answers["factors"]):
            assessment = a.assessment_save_domain(
                actor=actor,
                assessment=assessment,
                domain_code=domain["code"],
                factors={c: v for c, v in answers["factors"].items() if c in codes},
            )
    if "child_words" in answers:
        assessment = a.assessment_save_views(
            actor=actor,
            assessment=assessment,
            child_words=answers["child_words"],
            carers_words=answers["carers_words"],
        )
    if answers["analysis"]:
        assessment = a.assessment_save_analysis(
            actor=actor, assessment=assessment, analysis=answers["analysis"], expected_version=None
        )
    return assessment


def _assessments(
    seed: int, episode: Episode, members: list[TeamMember], index: int, before: date
) -> None:
    """A completed early-help assessment (shared with the family in some), and drafts: for one
    family the first is still being written, for others a reassessment has begun."""
    rng = _rng(seed, episode, "assessment")
    children = sorted(
        episode.persons.filter(kind="child"), key=lambda c: (c.date_of_birth is None, c.pk)
    )
    child = children[0]
    parents = [(r.kind, r.person.sex, r.person.given_name) for r in _parent_links(child)]
    lead = episode.lead_professional
    template = a.current_template()

    def answers(complete: bool) -> dict:
        return assessment_answers(
            rng,
            domains=template.domains,
            child_name=child.preferred_name or child.given_name,
            child_age=_age(child),
            parents=parents,
            complete=complete,
        )

    writer = next((m.practitioner for m in members if m.practitioner), lead)
    if index == 2:
        _backdate_assessment(_write(writer, episode, answers(False)), before, rng)
        return
    completed = a.assessment_complete(actor=lead, assessment=_write(lead, episode, answers(True)))
    if rng.random() < 0.6:
        completed = a.assessment_share(
            actor=lead,
            assessment=completed,
            shared_how=rng.choice(
                [
                    "Went through it with mum at home; she added her own words.",
                    "Read it together with both parents at the school.",
                    "Talked it through with the family on the phone and posted a copy.",
                ]
            ),
        )
    _backdate_assessment(completed, before, rng)
    if index == 1 or (index >= len(STATES) and index % 4 == 0):
        _write(writer, episode, answers(False))  # the reassessment, begun


def _backdate_assessment(assessment: Assessment, before: date, rng: random.Random) -> None:
    """Demo only: written in the weeks before the first meeting."""
    done = _at(before - timedelta(days=rng.randint(2, 9)), rng.randint(9, 16))
    Assessment.objects.filter(pk=assessment.pk).update(
        started_at=done - timedelta(days=rng.randint(5, 20)),
        completed_at=done if assessment.completed_at else None,
        shared_at=done + timedelta(days=1) if assessment.shared_at else None,
    )


# --- What happened next: incidents, alerts, step-up, step-down, closure ---------------------


def _disagreement_at_level_2(episode: Episode) -> None:
    decision = episode.decisions.first()
    if decision is None:
        return
    hv = _member(episode, "sarah.collins@hv.example", "Health visitor").practitioner
    assert hv is not None
    d = t.disagreement_raise(
        actor=hv, decision=decision, text="Six weeks is too long: the baby is losing weight."
    )
    t.disagreement_escalate(
        actor=hv, disagreement=d, note="Not agreed between us; asking our managers."
    )


def _chronology(episode: Episode, index: int) -> None:
    """Small signs from different agencies; in the first family they add up to an alert the
    lead has not yet looked at, in the second to one the lead has acknowledged."""
    child = episode.persons.filter(kind="child").order_by("pk").first()
    assert child is not None
    today = timezone.localdate()
    if index == 0:
        hv = _member(episode, "sarah.collins@hv.example", "Health visitor").practitioner
        assert hv is not None
        for days_ago, what in [
            (75, "Not brought to the community paediatric clinic."),
            (41, "Not brought to the rearranged paediatric appointment."),
            (6, "Not brought to the hearing test; mum said she forgot."),
        ]:
            chronology.chronology_entry_record(
                actor=hv,
                person=child,
                kind=ChronologyKind.WAS_NOT_BROUGHT,
                occurred_on=today - timedelta(days=days_ago),
                text=what,
            )
    if index == 1:
        recorder = episode.lead_professional
        _, alerts = chronology.chronology_entry_record(
            actor=recorder,
            person=child,
            kind=ChronologyKind.NEW_ADULT_IN_HOUSEHOLD,
            occurred_on=today - timedelta(days=12),
            text="Mum's new partner has moved in; the children call him Rob.",
        )
        for alert in alerts:
            chronology.pattern_alert_acknowledge(actor=recorder, alert=alert, episode=episode)


def _end_an_involvement(episode: Episode) -> None:
    """A service that has finished its work, so the chronology shows when it ended."""
    child = episode.persons.filter(kind="child").order_by("pk").first()
    assert child is not None
    ended = (
        child.involvements.filter(ended_on__isnull=True)
        .exclude(organisation=episode.lead_professional.organisation)
        .exclude(sensitive_category__in=list(HIDDEN_SERVICE_CATEGORIES))
        .order_by("pk")
        .first()
    )
    if ended is not None:
        on = max(ended.started_on, timezone.localdate() - timedelta(days=30))
        people_services.involvement_end(actor=None, involvement=ended, ended_on=on)


def _step_up(episode: Episode, email: str) -> Practitioner:
    social_worker = Practitioner.objects.get(email=email)
    proposal = t.episode_step_up(
        actor=episode.lead_professional,
        episode=episode,
        to=social_worker,
        reason="Concerns about neglect have grown despite support.",
    )
    if proposal.status == proposal.Status.WAITING:
        t.lead_proposal_accept(actor=social_worker, proposal=proposal)
    episode.refresh_from_db()
    return social_worker


def _close(episode: Episode, reason: Closure.Reason, rng: random.Random) -> None:
    if reason == Closure.Reason.STEPPED_UP:
        _step_up(episode, SOCIAL_WORKERS[1])
    t.episode_close(
        actor=episode.lead_professional,
        episode=episode,
        reason=reason,
        summary=CLOSING_SUMMARIES[reason],
    )
    episode.refresh_from_db()
    said = FEEDBACK.get(reason)
    older_children = [c for c in episode.persons.filter(kind="child") if _age(c) >= 10]
    giver = episode.persons.filter(kind="adult").order_by("pk").first() or next(
        iter(older_children), None
    )
    if said is None or giver is None:
        return  # not every family gives feedback
    how, rating, helped, better = said
    feedback.record_closure_feedback(
        actor=episode.lead_professional,
        episode=episode,
        given_by=giver,
        how=how,
        rating=max(1, min(5, rating + rng.choice([-1, 0, 0]))),
        what_helped=helped,
        could_be_better=better,
    )


def _what_happened(seed: int, episode: Episode, members: list, index: int) -> None:
    state = STATES[index] if index < len(STATES) else "open"
    if index == 0:
        _disagreement_at_level_2(episode)
    if index in (0, 1):
        _chronology(episode, index)
    if index == 1:
        t.incident_record(
            actor=members[0].practitioner or episode.lead_professional,
            episode=episode,
            kind="missing",
            occurred_at=timezone.now() - timedelta(hours=5),
            description="Did not come home after school; found at 9pm.",
        )
    if index == 2:
        _end_an_involvement(episode)
    if state == "stepped_up":
        _step_up(episode, SOCIAL_WORKERS[0])
    elif state == "stepped_down":
        lead = episode.lead_professional
        social_worker = _step_up(episode, SOCIAL_WORKERS[1])
        proposal = t.episode_step_down(
            actor=social_worker,
            episode=episode,
            to=lead,
            reason="The enquiry found no significant harm; early help continues.",
        )
        t.lead_proposal_accept(actor=lead, proposal=proposal)
    elif state.startswith("closed:"):
        _close(
            episode, Closure.Reason(state.removeprefix("closed:")), _rng(seed, episode, "closure")
        )


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _backdate(episode: Episode, opened: datetime, held_on: date) -> None:
    """Demo only: the episode opened weeks before its first meeting, and the front door's request
    that opened it (all its times moved back together, so its timeliness stays as it was)."""
    request = (
        episode.requests.filter(decision__isnull=False).order_by("decision__decided_at").first()
    )
    if request is not None:
        delta = request.decision.decided_at - opened
        RequestForSupport.objects.filter(pk=request.pk).update(
            created_at=F("created_at") - delta,
            received_at=F("received_at") - delta,
            due_at=F("due_at") - delta,
            decided_at=F("decided_at") - delta,
        )
        request.refresh_from_db()
        redate_decision(request, decided_at=opened)
        RequestEvent.objects.filter(request=request).update(at=F("at") - delta)
    Episode.objects.filter(pk=episode.pk).update(opened_at=opened)
    EpisodeStatusChange.objects.filter(episode=episode, status="open").update(at=opened)
    LeadHandover.objects.filter(episode=episode, at__lt=_at(held_on)).update(at=opened)
    Meeting.objects.filter(episode=episode).update(recorded_at=_at(held_on, 16))
    TeamDecision.objects.filter(meeting__episode=episode).update(taken_at=_at(held_on, 16))
    PlanVersion.objects.filter(episode=episode).update(made_at=_at(held_on, 16))


@transaction.atomic
def load_teams(seed: int = 2026) -> int:
    if not Episode.objects.exists() or Meeting.objects.exists():
        return 0
    episodes = _episodes(len(STATES))
    today = timezone.localdate()
    for index, episode in enumerate(episodes):
        rng = _rng(seed, episode, "team")
        opened = timezone.now() - timedelta(days=rng.randint(80, 120))
        held_on = today - timedelta(days=rng.randint(10, 50))
        members = _team(episode, rng)
        outcomes = _plan(episode, members, rng, index)
        _assessments(seed, episode, members, index, held_on)
        _meeting(episode, members, outcomes, rng, index, held_on)
        _what_happened(seed, episode, members, index)
        _backdate(episode, opened, held_on)
    return len(episodes)
