"""Demo requests for support in every state, made through the real services.

Times are moved back after the fact (demo only) so that the front door's queue has requests
that are due soon and some that are overdue, and the timeliness page has a history.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.core import timescales
from joinedup.frontdoor import services, timeliness
from joinedup.frontdoor.models import Outcome, RequestForSupport, RequestStatus, TriageDecision
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
                services.request_decide(
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
                request.refresh_from_db()
                redate_decision(request, decided_at=decided)
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


# --- Assessments: plausible words, different for every family, the same for every run ---------

# factor code: (strengths, needs). "{name}" is the child's name, "{parent}" the parent's.
FACTOR_WORDS: dict[str, tuple[list[str], list[str]]] = {
    "health": (
        ["Immunisations are up to date.", "{name} is growing well and eats a varied diet."],
        [
            "Missed two dental appointments this year.",
            "Asthma is not well controlled; the inhaler is often forgotten.",
        ],
    ),
    "emotional_behavioural": (
        ["{name} is kind to younger children and settles quickly with a familiar adult."],
        [
            "Frequent angry outbursts at home, especially at bedtime.",
            "{name} worries a lot and has stomach aches before school.",
        ],
    ),
    "identity_self_esteem": (
        ["{name} is proud of their drawing and loves football.", "Knows their family's story."],
        ["Often says 'I'm stupid' when work is hard.", "Has been teased about their clothes."],
    ),
    "family_social_relationships": (
        ["Close to their older sibling and their nan.", "Has two good friends in class."],
        ["Finds it hard to join in at playtime.", "Little contact with dad since the separation."],
    ),
    "self_care_independence": (
        ["Dresses independently and packs their own bag.", "Helps to cook simple meals."],
        [
            "Often arrives without breakfast.",
            "Is looking after younger siblings in the evenings.",
        ],
    ),
    "learning_education": (
        ["Reading is improving quickly.", "Teachers say {name} works hard in small groups."],
        [
            "Attendance is 82% this term, with many late marks.",
            "Behind in maths; may need an assessment of special educational needs.",
        ],
    ),
    "basic_care_safety": (
        [
            "The home is warm and there is food in the cupboards.",
            "{parent} keeps medicines locked away.",
        ],
        [
            "Bedrooms are cold and damp; the children share one bed.",
            "Sometimes left with a neighbour at short notice.",
        ],
    ),
    "emotional_warmth_stability": (
        [
            "{parent} is warm and affectionate and praises the children.",
            "Routines are mostly steady.",
        ],
        ["{parent} is low in mood and finds it hard to respond.", "Several moves in two years."],
    ),
    "guidance_boundaries": (
        ["Clear rules about screens and bedtime are starting to work."],
        [
            "Boundaries are inconsistent between the two households.",
            "{parent} finds it hard to say no without shouting.",
        ],
    ),
    "family_history_functioning": (
        ["The parents communicate well about the children despite the separation."],
        [
            "History of domestic abuse in a previous relationship.",
            "{parent} was in care as a child and has little support to draw on.",
        ],
    ),
    "wider_family": (
        ["Nan lives nearby and collects the children twice a week."],
        ["The wider family live far away and are not in touch."],
    ),
    "housing_work_money": (
        ["The tenancy is secure.", "{parent} has started a part-time job."],
        [
            "Rent arrears of about £900; an eviction notice is feared.",
            "Universal Credit was sanctioned last month; using the food bank.",
        ],
    ),
    "community_resources": (
        ["The family use the library and the children's centre.", "Attends a local church."],
        ["Does not know what is available locally.", "No bus route to the nearest family hub."],
    ),
}

# For a baby or toddler some factors read differently.
FACTOR_WORDS_UNDER_4: dict[str, tuple[list[str], list[str]]] = {
    "emotional_behavioural": (
        ["{name} is a smiley baby who settles well with {parent}."],
        ["{name} cries for long periods and is hard to comfort."],
    ),
    "identity_self_esteem": (
        ["{name} responds to their name and loves being sung to."],
        ["{parent} finds it hard to notice and praise what {name} does."],
    ),
    "family_social_relationships": (
        ["Strong bond with {parent}; lights up when nan visits."],
        ["Rarely sees other children; no playgroup yet."],
    ),
    "self_care_independence": (
        ["Feeding well and starting to use a cup."],
        ["Weaning has not started; still only on bottles."],
    ),
    "learning_education": (
        ["Babbling and pointing; the 2-year check was on track."],
        ["Speech is behind for their age; not yet taking up the funded nursery place."],
    ),
}

CHILD_WORDS = {
    "young": [
        "Too young to say in words. At home {name} was smiling and babbling, and settled "
        "quickly when picked up.",
        "Too young to say in words. {name} stayed close to their parent and was wary of visitors.",
    ],
    "middle": [
        "I like school when Miss lets me do drawing. I don't like it when mum and dad shout.",
        "I want my own bed and for my brother to stop taking my things.",
        "I'm hungry in the mornings. I like football club best.",
    ],
    "teen": [
        "Everyone keeps asking me the same questions. I just want things at home to be calm.",
        "I worry about mum a lot. I'd like someone to talk to who isn't a teacher.",
        "School is fine. I don't want people knowing our business.",
    ],
}

PARENT_WORDS = [
    "I'm doing my best but I'm exhausted. I want help with the mornings.",
    "I didn't ask for this, but if it helps the kids I'll go along with it.",
    "Money is the biggest thing. If the rent was sorted we'd be fine.",
    "I want the school to understand {name} better. They only ring me when something's wrong.",
    "I'd like to do a parenting course. I don't want my kids to have my childhood.",
    "Please don't keep changing workers. I've had to tell my story too many times.",
]

ANALYSIS = (
    "{name} is doing well with {good}. The main worries are {worry}. {parent_view} "
    "Without support these needs are likely to grow; with it the family have real strengths to "
    "build on. The plan should start with {focus}, talked through with {parent}."
)


def _parent_label(relationship: str, sex: str) -> str:
    labels = {
        ("parent", "female"): "Mum",
        ("parent", "male"): "Dad",
        ("step_parent", "female"): "Stepmum",
        ("step_parent", "male"): "Stepdad",
        ("grandparent", "female"): "Nan",
        ("grandparent", "male"): "Grandad",
    }
    return labels.get((relationship, sex), "Carer")


def assessment_answers(
    rng: random.Random,
    *,
    domains: list[dict],
    child_name: str,
    child_age: int,
    parents: list[tuple[str, str, str]],
    complete: bool = True,
) -> dict:
    """What a practitioner wrote: {factors, child_words, carers_words, analysis}.

    `parents` are (relationship, sex, given name); a draft stops part way through.
    """
    first_parent = _parent_label(*parents[0][:2]) if parents else "The family"
    fill = {"name": child_name, "parent": first_parent}
    bank = FACTOR_WORDS | (FACTOR_WORDS_UNDER_4 if child_age < 4 else {})
    factors: dict[str, dict] = {}
    good: list[str] = []
    worry: list[str] = []
    written_domains = domains if complete else domains[: rng.randint(1, 2)]
    for domain in written_domains:
        for number, factor in enumerate(domain["factors"]):
            strengths, needs = bank.get(factor["code"], ([], []))
            has_strength = bool(strengths) and (number == 0 or rng.random() < 0.7)
            has_need = bool(needs) and rng.random() < 0.45
            answer: dict[str, Any] = {
                "strengths": rng.choice(strengths).format(**fill) if has_strength else "",
                "needs": rng.choice(needs).format(**fill) if has_need else "",
                "scale": None,
            }
            if (has_strength or has_need) and rng.random() < 0.85:
                low, high = (2, 5) if has_need and not has_strength else (4, 9)
                answer["scale"] = rng.randint(low, high)
            factors[factor["code"]] = answer
            if has_strength or has_need:
                (worry if has_need else good).append(factor["title"].lower())
    words: dict[str, Any] = {}
    if complete or rng.random() < 0.5:
        stage = "young" if child_age < 4 else "middle" if child_age < 12 else "teen"
        words["child_words"] = rng.choice(CHILD_WORDS[stage]).format(**fill)
        said = rng.sample(PARENT_WORDS, min(len(parents), len(PARENT_WORDS)))
        words["carers_words"] = [
            {"who": f"{_parent_label(rel, sex)} ({given})", "words": text.format(**fill)}
            for (rel, sex, given), text in zip(parents, said, strict=False)
        ]
    analysis = ""
    if complete:
        worries = rng.sample(worry, min(2, len(worry))) or ["keeping the progress going"]
        good = good or ["the love the family have for each other"]
        parent_view = (
            f"{first_parent} agrees with the worries and wants help."
            if rng.random() < 0.7
            else f"{first_parent} does not see every worry the same way, and that is recorded."
        )
        analysis = ANALYSIS.format(
            name=child_name,
            good=" and ".join(rng.sample(good, min(2, len(good)))),
            worry=" and ".join(worries),
            parent_view=parent_view,
            focus=worries[0],
            parent=first_parent.lower() if first_parent != "The family" else "the family",
        )
    return {"factors": factors, **words, "analysis": analysis}


def redate_decision(request: RequestForSupport, *, decided_at: datetime) -> None:
    """Demo only: a decision moved back in time, its within-timescale flag worked out again from
    the dates (as the service does when a decision is made)."""
    calendar, rules = timeliness.calendar_and_policy()
    within = (
        timescales.decided_within_timescale(
            rules, calendar, timescales.Rating(request.rating), request.received_at, decided_at
        )
        if request.rating and request.received_at
        else None
    )
    TriageDecision.objects.filter(request=request).update(
        decided_at=decided_at, within_timescale=within
    )
    RequestForSupport.objects.filter(pk=request.pk).update(decided_at=decided_at)
