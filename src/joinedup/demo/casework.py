"""Demo requests for support in every state, made through the real services.

Times are moved back after the fact (demo only) so that the front door's queue has requests
that are due soon and some that are overdue, and the timeliness page has a history.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from joinedup.casework import services, timeliness
from joinedup.casework.models import Outcome, RequestForSupport, RequestStatus, TriageDecision
from joinedup.outcomes.selectors import default_categories
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy

CONCERNS = [
    (
        "Attendance has dropped to 70% this term and he seems tired and hungry most mornings.",
        "Mum says she wants help with routines and money.",
    ),
    (
        "Disclosed that there is a lot of shouting at home and she is scared when dad drinks.",
        "The family have not been asked yet.",
    ),
    (
        "Missed two health visitor appointments; the home was cold and mum seemed very low.",
        "Mum would like support with her mood and the baby's sleep.",
    ),
    (
        "Found sleeping in the stairwell twice; the family are in rent arrears and may be evicted.",
        "They want to keep their tenancy.",
    ),
    (
        "Young carer for mum, who has MS; falling behind with schoolwork and isolated.",
        "He would like to meet other young carers.",
    ),
    (
        "Seen with older men in a car after school; new phone and clothes unexplained.",
        "Not asked: telling the family could alert the people exploiting her.",
    ),
]
ASKERS = [
    "amira.khan@oakfield.example",
    "joseph.mensah@riverside.example",
    "sarah.collins@hv.example",
    "gary.holmes@harbourhomes.example",
    "liam.oconnor@youngcarers.example",
    "ben.walsh@oakfield.example",
    "fatima.begum@hv.example",
    "yasmin.ali@eastside.example",
]


def _child_for(asker: Practitioner, taken: set[int], rng: random.Random) -> Person | None:
    candidates = list(
        policy.persons_visible_to(asker)
        .filter(kind="child")
        .exclude(pk__in=taken)
        .exclude(episodes__isnull=False)
        .order_by("pk")[:40]
    )
    return rng.choice(candidates) if candidates else None


def _raise(asker: Practitioner, child: Person, rng: random.Random, red: bool) -> RequestForSupport:
    draft = services.request_start(actor=asker, immediate_risk=red)
    services.request_add_person(actor=asker, request=draft, person_id=child.pk)
    concern, wants = rng.choice(CONCERNS)
    agreement = "not_asked" if wants.startswith("Not asked") else rng.choice(["yes", "yes", "no"])
    needs = list(default_categories())
    services.request_describe(
        actor=asker,
        request=draft,
        concern=concern,
        needs=rng.sample(needs, 2),
        family_wants=wants,
        family_agreement=agreement,
        not_asked_reason="Telling the family could put the child at risk."
        if agreement == "not_asked"
        else "",
        contact_telephone=asker.telephone,
        contact_email=asker.email,
    )
    return draft


def _backdate(request: RequestForSupport, hours_ago: float) -> None:
    received = timezone.now() - timedelta(hours=hours_ago)
    RequestForSupport.objects.filter(pk=request.pk).update(
        received_at=received,
        created_at=received,
        due_at=timeliness.due_at(request.rating, received),
    )
    request.refresh_from_db()


@transaction.atomic
def load_requests(seed: int = 2026) -> int:
    if RequestForSupport.objects.exists():
        return 0
    rng = random.Random(f"{seed}-requests")
    front_door = Practitioner.objects.get(email="priya.shah@earlyhelp.example")
    leads = [
        Practitioner.objects.get(email=e)
        for e in (
            "grace.okafor@earlyhelp.example",
            "hannah.doyle@earlyhelp.example",
            "maria.silva@safeharbour.example",
            "sarah.collins@hv.example",
            "amira.khan@oakfield.example",
        )
    ]
    taken: set[int] = set()
    made = 0
    # state: (count, red?, hours ago, decision outcome or None, leave as draft?)
    plan = [
        (4, False, 2, None, False),
        (2, True, 1, None, False),
        (3, False, 40, None, False),
        (1, True, 9, None, False),
        (6, False, 200, Outcome.EARLY_HELP, False),
        (3, False, 300, Outcome.ADVICE, False),
        (2, False, 150, Outcome.NO_FURTHER_ACTION, False),
        (1, True, 500, Outcome.STEP_UP, False),
        (2, False, 0, None, True),
    ]
    for count, red, hours_ago, outcome, draft_only in plan:
        for _ in range(count):
            asker = Practitioner.objects.get(email=rng.choice(ASKERS))
            child = _child_for(asker, taken, rng)
            if child is None:
                continue
            taken.add(child.pk)
            request = _raise(asker, child, rng, red)
            made += 1
            if draft_only:
                continue
            request = services.request_submit(actor=asker, request=request)
            _backdate(request, hours_ago)
            if outcome is not None:
                decision = services.request_decide(
                    actor=front_door,
                    request=request,
                    outcome=outcome,
                    reasons="Discussed with the family and the school; "
                    + outcome.label.lower()
                    + " is proportionate to the needs described.",
                    lead_professional=rng.choice(leads) if outcome == Outcome.EARLY_HELP else None,
                )
                assert request.received_at is not None
                decided = request.received_at + timedelta(hours=rng.uniform(2, 60))
                TriageDecision.objects.filter(pk=decision.pk).update(decided_at=decided)
                RequestForSupport.objects.filter(pk=request.pk).update(decided_at=decided)
    # One request about a child whose family already has an episode: it goes to the lead.
    episode_child = Person.objects.filter(episodes__isnull=False, kind="child").first()
    if episode_child is not None:
        involved = [
            p
            for p in Practitioner.objects.filter(email__in=ASKERS)
            if policy.person_decision(p, episode_child).allowed
        ]
        if involved:
            asker = involved[0]
            routed = _raise(asker, episode_child, rng, False)
            routed = services.request_submit(actor=asker, request=routed)
            assert routed.status == RequestStatus.ROUTED
            made += 1
    return made
