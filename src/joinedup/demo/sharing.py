"""The demo's information sharing: agreements, consent, a protected refuge address, sharing
decisions, anonymous advice and a break-glass waiting for review.

The story it sets up: the same child's record looks different to a school (health details
withheld; the refuge address withheld), a health visitor (health details open under the health
and social care agreement), the domestic-abuse charity (it protects the address, so it sees it)
and the other parent on the family's pages (the address withheld). Idempotent and deterministic.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from joinedup.partnership.models import Organisation, Practitioner, SharingAgreement
from joinedup.people.models import Person
from joinedup.sharing import services
from joinedup.sharing.models import AddressPermission, AdviceRequest, BreakGlass, SharingDecision

# name, parties (organisation codes; empty = every partner), categories, purposes, basis, duty,
# special-category condition
AGREEMENTS = [
    (
        "Demo Shire multi-agency information-sharing protocol",
        [],
        ["identity", "contact", "involvement", "casework"],
        ["assessment", "planning", "referral", "safeguarding"],
        "public_task",
        "ca2004_s10",
        "",
    ),
    (
        "Health and social care information-sharing agreement",
        ["health-visiting", "millbrook-gp", "cyp-mental-health", "early-help", "social-care"],
        ["health"],
        ["assessment", "planning", "safeguarding"],
        "public_task",
        "ca2004_s11",
        "dpa2018_sch1_p2",
    ),
    (
        "Police, youth justice and children's services agreement",
        ["police", "youth-justice", "early-help", "social-care"],
        ["criminal_justice"],
        ["assessment", "planning", "safeguarding"],
        "public_task",
        "cda1998_s115",
        "",
    ),
]


def load_sharing() -> None:
    orgs = {o.code: o for o in Organisation.objects.all()}
    if not orgs:
        return
    _agreements(orgs)
    _refuge(orgs)
    _decisions_and_advice(orgs)


def _agreements(orgs: dict[str, Organisation]) -> None:
    for name, parties, categories, purposes, basis, duty, condition in AGREEMENTS:
        agreement, created = SharingAgreement.objects.get_or_create(
            name=name,
            defaults={
                "covers_all_partners": not parties,
                "categories": categories,
                "purposes": purposes,
                "lawful_basis": basis,
                "statutory_duty": duty,
                "special_condition": condition,
                "starts_on": date(2025, 4, 1),
                "document": "https://example.org/demo-shire/information-sharing",
            },
        )
        if created:
            agreement.parties.set([orgs[c] for c in parties if c in orgs])


def _staff(orgs: dict[str, Organisation], code: str) -> Practitioner | None:
    return Practitioner.objects.filter(organisation=orgs.get(code)).order_by("pk").first()


def _refuge(orgs: dict[str, Organisation]) -> None:
    """The first family supported by the domestic-abuse charity lives in its refuge: the mother's
    and the children's address is confidential, seen only by the charity."""
    worker = _staff(orgs, "safe-harbour")
    if worker is None:
        return
    supported = Person.objects.filter(
        involvements__organisation__code="safe-harbour", merged_into__isnull=True
    ).distinct()
    first = supported.order_by("reference").first()
    family = first.reference.rsplit("-", 1)[0] + "-" if first else "none"
    for person in supported.filter(reference__startswith=family).order_by("reference"):
        if not person.address_confidential:
            Person.objects.filter(pk=person.pk).update(
                address="Safe Harbour refuge, 1 Haven Court, Demoford", postcode="DM1 9RF"
            )
            person.refresh_from_db()
            services.address_confidential_set(
                actor=worker,
                person=person,
                confidential=True,
                reason="Family placed in the Safe Harbour refuge after a domestic incident.",
            )
    # Anyone marked confidential elsewhere in the demo is protected by the charity too.
    for person in Person.objects.filter(address_confidential=True, address_permissions=None):
        AddressPermission.objects.create(
            person=person,
            organisation=orgs["safe-harbour"],
            reason="Refuge placement",
            granted_by=worker,
            granted_at=timezone.now(),
        )


def _decisions_and_advice(orgs: dict[str, Organisation]) -> None:
    if SharingDecision.objects.exists():
        return
    teacher = _staff(orgs, "oakfield-primary")
    health_visitor = _staff(orgs, "health-visiting")
    police = _staff(orgs, "police")
    front_door = orgs["early-help"].teams.filter(is_front_door=True).first()
    if teacher is None or health_visitor is None or front_door is None:
        return
    child = (
        Person.objects.filter(kind="child", involvements__organisation=orgs["oakfield-primary"])
        .order_by("reference")
        .first()
    )
    if child is not None:
        services.sharing_decision_record(
            actor=teacher,
            person=child,
            choice="share",
            what="Attendance this term (71%) and two late collections",
            categories=["education"],
            recipients=[orgs["health-visiting"], orgs["early-help"]],
            purpose="assessment",
            lawful_basis="public_task",
            statutory_duty="ca2004_s11",
            reasons="Needed for the early help assessment; proportionate: attendance only.",
            family_told="told",
        )
        services.sharing_decision_record(
            actor=teacher,
            person=child,
            choice="not_share",
            what="Notes of the child's conversation with the school counsellor",
            categories=["health"],
            recipients=[orgs["early-help"]],
            purpose="planning",
            reasons="Not necessary for the plan; the child asked for it to stay private.",
        )
        services.consent_give(
            actor=teacher,
            person=child,
            given_by="parental_responsibility",
            given_by_name="The child's mother",
            given_by_relationship="Mother",
            organisations=[orgs["young-carers"]],
            sectors=[],
            purposes=["referral"],
            method="written",
            evidence="Signed referral form kept at school",
            given_on=timezone.localdate() - timedelta(days=20),
            expires_on=timezone.localdate() + timedelta(days=345),
        )
    answered = services.advice_ask(
        actor=health_visitor,
        situation=(
            "A mother of a 9-month-old says her partner checks her phone and controls money. "
            "No injuries seen; the baby is thriving."
        ),
        question="Is this a request for support, or a referral to the domestic-abuse service?",
        team=front_door,
    )
    adviser = Practitioner.objects.filter(team=front_door).order_by("pk").first()
    if adviser is not None and not answered.advice:
        services.advice_answer(
            actor=adviser,
            advice=answered,
            text=(
                "Talk to her alone about Safe Harbour's outreach team; if she agrees, refer. "
                "Use the DASH risk checklist; if the risk is high, raise it with the MARAC."
            ),
        )
    if not AdviceRequest.objects.filter(asked_by=teacher).exists():
        services.advice_ask(
            actor=teacher,
            situation=(
                "A Year 5 pupil has started arriving hungry and says 'a new uncle' lives there."
            ),
            question="Should I raise a request for support now or talk to the family first?",
            team=front_door,
        )
    if police is not None and not BreakGlass.objects.exists() and child is not None:
        services.break_glass_open(
            actor=police,
            reference=child.reference,
            reason="Child reported missing at 02:00; need the carers' and school contacts now.",
        )
