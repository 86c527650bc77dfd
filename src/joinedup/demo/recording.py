"""The daily record in the demo: households that change over time, case notes, a report for a
review and the review itself arranged with the team and the family.

The Carters lived with Dean until Jodie and the children moved to the refuge two months ago.
Grace Okafor (their lead professional) has recorded a home visit there, shared with the team,
uploaded the health visiting report for the review and invited the team and Jodie to it.
In a generated family, the school has told the lead professional that a new partner has moved
in: recording it from the child's page (Add someone to the family, living with them since) raises
the "new adult in the household" alert.
An organisation new to the partnership (Riverside Youth Project) has no staff yet: an
administrator loads them from docs/examples/staff-riverside.csv at /staff/load/.

Made through the real services; safe to run again (it adds only what is missing).
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from joinedup.episodes.models import Episode, EpisodeStatus
from joinedup.partnership.models import Organisation, Practitioner, Sector
from joinedup.people import services as people
from joinedup.people.models import Person, PersonKind
from joinedup.recording import services as recording
from joinedup.recording.models import CaseNote
from joinedup.sharing import policy

RIVERSIDE = ("riverside-youth", "Riverside Youth Project")


def _pdf(title: str, lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 770, title)
    page.setFont("Helvetica", 11)
    for n, line in enumerate(lines):
        page.drawString(72, 740 - 18 * n, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _carters() -> None:
    today = timezone.localdate()
    p = {who: Person.objects.get(reference=f"FAM-CARTER-{n}") for n, who in _CARTERS}
    lead = Practitioner.objects.get(email="grace.okafor@earlyhelp.example")
    episode = Episode.objects.filter(persons=p["mia"]).order_by("pk").first()
    if episode is None:
        return
    together = today - timedelta(days=9 * 365)
    refuge = today - timedelta(days=60)
    # Adults first, then the children: a child's household gains no "new adult" from the past.
    people.household_join(actor=None, person=p["dean"], moved_in_on=together)
    for who in ("jodie", "tyler", "mia"):
        born = p[who].date_of_birth
        since = max(together, born) if born else together
        people.household_join(
            actor=None,
            person=p[who],
            with_person=p["dean"],
            moved_in_on=since,
            moved_out_on=refuge - timedelta(days=1),
        )
    people.household_join(actor=None, person=p["jodie"], moved_in_on=refuge)
    for who in ("tyler", "mia"):
        people.household_join(actor=None, person=p[who], with_person=p["jodie"], moved_in_on=refuge)
    _carter_record(lead, episode, p)


def _carter_record(lead: Practitioner, episode: Episode, p: dict[str, Person]) -> None:
    today = timezone.localdate()
    recording.case_note_record(
        actor=lead,
        episode=episode,
        kind="home_visit",
        occurred_on=today - timedelta(days=5),
        who_was_seen="Jodie, Mia and Tyler",
        child_seen=True,
        child_seen_alone=True,
        what_happened="Visited at the refuge. Mia showed me her room and said she is sleeping "
        "better. Tyler was quiet; he misses his friends at his old school.",
        what_next="Ask the school about a place for Tyler before the review.",
        visibility="team",
    )
    recording.case_note_record(
        actor=lead,
        person=p["jodie"],
        kind="phone_call",
        occurred_on=today - timedelta(days=2),
        who_was_seen="Jodie",
        what_happened="Jodie rang to say the housing appointment has moved to next week.",
        visibility="organisation",
    )
    review = recording.invitation_schedule(
        actor=lead,
        episode=episode,
        kind="review",
        starts_at=_at(today + timedelta(days=8), 10),
        ends_at=_at(today + timedelta(days=8), 11),
        place="Demoford Family Hub, meeting room 2",
        practitioners=[m.practitioner for m in _team(episode)],
        persons=[p["jodie"]],
    )
    nurse = Practitioner.objects.filter(organisation__code="health-visiting").first()
    uploader = nurse if nurse and policy.may_edit_episode(nurse, episode) else lead
    report = _pdf(
        "Health visiting report for the review",
        ["Mia is growing well and her immunisations are up to date.", "Next contact: 4 weeks."],
    )
    recording.document_upload(
        actor=uploader,
        episode=episode,
        title="Health visiting report for the review",
        file=SimpleUploadedFile("health-visiting-report.pdf", report),
        visibility="team",
        invitation=review,
    )


def _team(episode: Episode) -> list:
    return list(
        episode.members.filter(left_at__isnull=True, practitioner__isnull=False).select_related(
            "practitioner"
        )
    )


def _at(day, hour: int):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


_CARTERS = [(1, "jodie"), (2, "dean"), (3, "mia"), (4, "tyler")]


def _generated_household() -> bool:
    """In the first open generated episode with a parent: the household the children live in
    with them, and the school's note that a new partner has been seen. Recording the partner
    moving in (from the child's page: Add someone to the family) raises the alert."""
    today = timezone.localdate()
    for episode in Episode.objects.filter(status=EpisodeStatus.OPEN).order_by("pk")[:10]:
        children = list(episode.persons.filter(kind=PersonKind.CHILD))
        adults = [p for p in policy.family_participants(episode) if p.kind == PersonKind.ADULT]
        if not children or not adults or episode.persons.filter(reference__startswith="FAM-"):
            continue
        home = today - timedelta(days=3 * 365)
        people.household_join(actor=None, person=adults[0], moved_in_on=home)
        for child in children:
            born = child.date_of_birth or home
            people.household_join(
                actor=None, person=child, with_person=adults[0], moved_in_on=max(home, born)
            )
        recording.case_note_record(
            actor=episode.lead_professional,
            person=children[0],
            kind="school_contact",
            occurred_on=today - timedelta(days=3),
            who_was_seen="The class teacher",
            child_seen=True,
            child_seen_alone=False,
            what_happened="The school says a new partner of "
            f"{adults[0].given_name}'s has moved in and now collects the children.",
            what_next="Record the household change and visit the family at home this week.",
            visibility="team",
        )
        return True
    return False


def load_recording() -> int:
    """Returns the number of case notes made (0 when the demo already has them)."""
    Organisation.objects.get_or_create(
        code=RIVERSIDE[0],
        defaults={"name": RIVERSIDE[1], "sector": Sector.VOLUNTARY, "locality": "Demoford"},
    )
    if CaseNote.objects.exists() or not Person.objects.filter(reference="FAM-CARTER-1").exists():
        return 0
    _carters()
    _generated_household()
    return CaseNote.objects.count()
