"""Demo teams around families: members from four or more organisations, plans, meetings,
decisions, a disagreement, incidents, a step-up and a closure. Made through the real services;
dates moved back afterwards (demo only) so reviews and actions can be overdue."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from joinedup.casework import team as t
from joinedup.casework.models import Action, Episode, Meeting, TeamMember
from joinedup.outcomes.selectors import default_categories
from joinedup.partnership.models import Practitioner

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


def _member(episode: Episode, email: str, role: str) -> TeamMember:
    practitioner = Practitioner.objects.get(email=email)
    existing = TeamMember.objects.filter(
        episode=episode, practitioner=practitioner, left_at__isnull=True
    ).first()
    return existing or t.member_add(
        actor=episode.lead_professional, episode=episode, practitioner=practitioner, role=role
    )


@transaction.atomic
def load_teams(seed: int = 2026) -> int:
    rng = random.Random(f"{seed}-teams")
    episodes = list(Episode.objects.filter(members__isnull=False).distinct().order_by("pk"))
    if not episodes or Meeting.objects.exists():
        return 0
    categories = {c.code: c for c in default_categories()}
    for index, episode in enumerate(episodes):
        lead = episode.lead_professional
        members = [
            m for m in (_member(episode, email, role) for email, role in rng.sample(MEMBERS, 4))
        ]
        adult = episode.persons.filter(kind="adult").first()
        if adult is not None:
            members.append(t.member_add(actor=lead, episode=episode, person=adult, role="Parent"))
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
                t.action_update(
                    actor=lead, action=action, status="done", note="Done at the first visit."
                )
            elif n == 1 and index % 2 == 0:  # overdue
                Action.objects.filter(pk=action.pk).update(due_on=today - timedelta(days=5))
        attendance = {m.pk: rng.choice(["attended", "attended", "apologies"]) for m in members}
        t.meeting_record(
            actor=lead,
            episode=episode,
            kind="team",
            held_on=today - timedelta(days=rng.randint(10, 50)),
            attendance=attendance,
            family_attended=True,
            family_said="We want things to feel calmer at home.",
            decisions=[("Meet again in six weeks", "The plan has only just started")],
            judgements={o.pk: rng.choice(["better", "no_change"]) for o in outcomes},
            next_review_on=today + timedelta(days=(-4 if index % 3 == 0 else 20)),
        )
        decision = episode.decisions.first()
        if index == 0 and decision is not None:
            hv = Practitioner.objects.get(email="sarah.collins@hv.example")
            _member(episode, hv.email, "Health visitor")
            d = t.disagreement_raise(
                actor=hv,
                decision=decision,
                text="Six weeks is too long: the baby is losing weight.",
            )
            t.disagreement_escalate(
                actor=hv, disagreement=d, note="Not agreed between us; asking our managers."
            )
        if index == 1:
            t.incident_record(
                actor=members[0].practitioner or lead,
                episode=episode,
                kind="missing",
                occurred_at=timezone.now() - timedelta(hours=5),
                description="Did not come home after school; found at 9pm.",
            )
        if index == 2:
            social_worker = Practitioner.objects.get(email="daniel.hughes@socialcare.example")
            t.episode_step_up(
                actor=lead,
                episode=episode,
                to=social_worker,
                reason="Concerns about neglect have grown despite support.",
            )
        if index == 3:
            t.episode_close(
                actor=lead,
                episode=episode,
                reason="outcomes_achieved",
                summary="Attendance is back to 96% and mum is at the parenting group.",
            )
    return len(episodes)
