"""Demo family accounts: the family's own pages, signed in as the family.

The Carter family are separated. Jodie and the children, Mia (9) and Tyler (14), live at a
refuge whose address is confidential; Dean, their father, has parental responsibility and his own
account. His pages must never show the refuge address: sign in as him and look. Jodie and Tyler
have accounts too, and a parent in two of the generated families.

Made through the real services; safe to run again (it adds only what is missing).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from joinedup.demo.families import ANCHOR
from joinedup.demo.partnership import DEMO_PASSWORD
from joinedup.episodes import services as t
from joinedup.episodes.models import (
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadHandover,
    TeamMember,
)
from joinedup.family import services as family_services
from joinedup.family.models import FamilyAccount
from joinedup.frontdoor import services as casework
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people import services as people
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing import services as sharing

DOMAIN = "family.example"
REFUGE_ADDRESS = "Flat 2, Lantern House, 14 Quayside Row, Demoford"
REFUGE_POSTCODE = "DM4 7QX"
FATHER_ADDRESS = "27 Kestrel Close, Demo Shire"
FATHER_POSTCODE = "DS2 5LT"

# Printed by `joinedup demo-family-sign-ins` (with the generated families' parents).
FAMILY_SIGN_INS = [
    ("Father, separated: must never see the refuge address", f"dean.carter@{DOMAIN}"),
    ("Mother, living at a refuge with the children", f"jodie.carter@{DOMAIN}"),
    ("Young person (14), at the refuge", f"tyler.carter@{DOMAIN}"),
]


OPENED_DAYS_AGO = timedelta(days=40)


def _born(years: int, days: int) -> date:
    return ANCHOR.replace(year=ANCHOR.year - years) - timedelta(days=days)


def _staff(email: str) -> Practitioner:
    return Practitioner.objects.get(email=email)


def _org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def _account(lead: Practitioner, episode: Episode, person: Person, email: str) -> FamilyAccount:
    """Invite and activate, as the family member would with their link."""
    invitation = family_services.family_account_invite(
        actor=lead, episode=episode, person=person, email=email
    )
    token = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    return family_services.family_account_activate(
        token=token, password=DEMO_PASSWORD, password_again=DEMO_PASSWORD
    )


def _carters() -> dict[str, Person]:
    specs = [
        ("jodie", "Jodie", "adult", "female", _born(33, 40), REFUGE_ADDRESS, REFUGE_POSTCODE),
        ("dean", "Dean", "adult", "male", _born(36, 200), FATHER_ADDRESS, FATHER_POSTCODE),
        ("mia", "Mia", "child", "female", _born(9, 90), REFUGE_ADDRESS, REFUGE_POSTCODE),
        ("tyler", "Tyler", "child", "male", _born(14, 150), REFUGE_ADDRESS, REFUGE_POSTCODE),
    ]
    persons = {
        key: people.person_create(
            actor=None,
            reference=f"FAM-CARTER-{n}",
            given_name=given,
            family_name="Carter",
            kind=kind,
            sex=sex,
            date_of_birth=born,
            address=address,
            postcode=postcode,
        )
        for n, (key, given, kind, sex, born, address, postcode) in enumerate(specs, 1)
    }
    # Dean lives apart: he is not in the household.
    people.family_create(
        actor=None,
        name="Carter family",
        members=[persons["jodie"], persons["mia"], persons["tyler"]],
    )
    for child in ("mia", "tyler"):
        for parent in ("jodie", "dean"):
            people.relationship_add(
                actor=None,
                person=persons[parent],
                relative=persons[child],
                kind="parent",
                parental_responsibility=True,
            )
    people.relationship_add(
        actor=None, person=persons["mia"], relative=persons["tyler"], kind="sibling"
    )
    return persons


def _involvements(p: dict[str, Person]) -> None:
    since = timezone.localdate() - timedelta(days=60)

    def start(code: str, who: str, kind: str, service: str, sensitive: str = "") -> None:
        people.involvement_start(
            actor=None,
            organisation=_org(code),
            person=p[who],
            kind=kind,
            service=service,
            started_on=since,
            sensitive_category=sensitive,
        )

    for who in ("jodie", "mia", "tyler", "dean"):
        start("early-help", who, "targeted", "Early help family support")
    start("safe-harbour", "jodie", "specialist", "Refuge and advocacy", "domestic_abuse")
    for who in ("mia", "tyler"):
        start("safe-harbour", who, "specialist", "Children's recovery programme", "domestic_abuse")
    start("oakfield-primary", "mia", "universal", "Pupil, year 4")
    start("riverside-academy", "tyler", "universal", "Pupil, year 9")


def _plan(episode: Episode, p: dict[str, Person]) -> None:
    lead = episode.lead_professional
    adviser = _staff("maria.silva@safeharbour.example")
    school = _staff("amira.khan@oakfield.example")
    refuge = t.member_add(actor=lead, episode=episode, practitioner=adviser, role="Refuge support")
    teacher = t.member_add(actor=lead, episode=episode, practitioner=school, role="Mia's school")
    mum = t.member_add(actor=lead, episode=episode, person=p["jodie"], role="Mum")
    me = TeamMember.objects.get(episode=episode, practitioner=lead, left_at__isnull=True)
    safe = t.outcome_add(actor=lead, episode=episode, text="Mia and Tyler feel safe and settled")
    school_outcome = t.outcome_add(
        actor=lead, episode=episode, text="Tyler is back in school every day"
    )
    today = timezone.localdate()
    plan = [
        (mum, "Register the children with a GP near where you live now", 10, safe, ""),
        (me, "Find Tyler a school place closer to home", 7, school_outcome, "in_progress"),
        (teacher, "Check in with Mia each morning", -3, safe, "done"),
        (refuge, "Weekly support sessions with Jodie", 14, safe, "in_progress"),
    ]
    for owner, text, days, outcome, status in plan:
        action = t.action_add(
            actor=lead,
            episode=episode,
            owner=owner,
            text=text,
            due_on=today + timedelta(days=max(days, 0)),
            outcome=outcome,
        )
        if status:
            t.action_update(actor=lead, action=action, status=status)
    t.meeting_record(
        actor=lead,
        episode=episode,
        kind="team",
        held_on=today - timedelta(days=12),
        attendance={mum.pk: "attended", refuge.pk: "attended", teacher.pk: "apologies"},
        family_attended=True,
        family_said="We feel safer now. Tyler misses his friends and wants to play football.",
        family_said_by=p["jodie"],  # the mother's words: hers to read, not the father's
        notes="Contact arrangements with the father to go through the refuge only.",
        decisions=[("Find a football club Tyler can get to by himself", "Tyler asked for it")],
        decisions_shared=True,
        next_review_on=today + timedelta(days=30),
    )


def _opened_weeks_ago(episode: Episode) -> None:
    """Demo only: the episode opened before its first meeting (twelve days ago), so that scores
    taken at that meeting, or at a review, are not dated before the episode began."""
    opened = timezone.make_aware(datetime.combine(timezone.localdate() - OPENED_DAYS_AGO, time(9)))
    Episode.objects.filter(pk=episode.pk).update(opened_at=opened)
    EpisodeStatusChange.objects.filter(episode=episode, status="open").update(at=opened)
    LeadHandover.objects.filter(episode=episode).update(at=opened)
    TeamMember.objects.filter(episode=episode).update(joined_at=opened)
    episode.refresh_from_db()


def _consents(lead: Practitioner, p: dict[str, Person]) -> None:
    given_on = timezone.localdate() - timedelta(days=55)
    sharing.consent_give(
        actor=lead,
        person=p["jodie"],
        given_by="self",
        organisations=[_org("early-help"), _org("safe-harbour"), _org("oakfield-primary")],
        sectors=["health"],
        purposes=["assessment", "planning"],
        method="written",
        given_on=given_on,
    )
    sharing.consent_give(
        actor=lead,
        person=p["dean"],
        given_by="self",
        organisations=[_org("early-help")],
        sectors=[],
        purposes=["planning"],
        method="verbal",
        given_on=given_on,
        expires_on=given_on + timedelta(days=365),
    )


def _the_carters() -> int:
    lead = _staff("grace.okafor@earlyhelp.example")
    p = _carters()
    _involvements(p)
    adviser = _staff("maria.silva@safeharbour.example")
    for who in ("jodie", "mia", "tyler"):
        sharing.address_confidential_set(
            actor=adviser,
            person=p[who],
            confidential=True,
            reason="Jodie and the children live at the Safe Harbour refuge.",
        )
    episode = casework.episode_open_practitioner_led(
        actor=lead, persons=[p["mia"], p["tyler"], p["jodie"]]
    )
    _opened_weeks_ago(episode)
    _plan(episode, p)
    _consents(lead, p)
    for who in ("dean", "jodie", "tyler"):
        _account(lead, episode, p[who], f"{who}.carter@{DOMAIN}")
    return 3


def _generated_families(count: int = 2) -> int:
    """A parent in the first open demo episodes (made by demo.team) gets an account."""
    made = 0
    episodes = Episode.objects.filter(status=EpisodeStatus.OPEN).exclude(
        persons__reference__startswith="FAM-"
    )
    for episode in episodes.order_by("pk").distinct()[:10]:
        parents = (
            policy.family_participants(episode)
            .filter(kind="adult", family_accounts__isnull=True)
            .order_by("reference")
        )
        parent = parents.first()
        if parent is None or not policy.may_edit_episode(episode.lead_professional, episode):
            continue
        email = f"{parent.given_name}.{parent.family_name}.{parent.pk}@{DOMAIN}".lower()
        email = email.replace("'", "").replace(" ", "")
        _account(episode.lead_professional, episode, parent, email)
        made += 1
        if made == count:
            break
    return made


@transaction.atomic
def load_family_accounts() -> int:
    """The Carters and a parent in two generated families. Returns the accounts made."""
    if not Practitioner.objects.filter(email="grace.okafor@earlyhelp.example").exists():
        return 0
    made = 0
    if not Person.objects.filter(reference="FAM-CARTER-1").exists():
        made += _the_carters()
    if not FamilyAccount.objects.exclude(person__reference__startswith="FAM-").exists():
        made += _generated_families()
    return made


def family_sign_ins() -> list[tuple[str, str]]:
    """The demo family sign-ins, as printed by `joinedup demo-family-sign-ins`."""
    rows = list(FAMILY_SIGN_INS)
    known = {email for _, email in rows}
    accounts = (
        FamilyAccount.objects.filter(
            user__email__endswith=f"@{DOMAIN}",
            activated_at__isnull=False,
            revoked_at__isnull=True,
        )
        .select_related("user", "person")
        .order_by("pk")
    )
    for account in accounts:
        if account.user.email not in known:
            rows.append((f"Parent in the {account.person.family_name} family", account.user.email))
    return rows
