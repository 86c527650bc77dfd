"""Subject access: everything joinedup holds about one person, in one export.

The data-protection officer picks a person and gets one document (JSON, a readable page that
prints well, and a PDF) with the person's details, family and relationships, agencies' records,
involvements, requests for support, episodes with everything in them, the chronology, consent
records, sharing decisions, emergency access and who has accessed the record.

Other people are redacted: their details are left out entirely, they appear only as
"[another person]" with their role (parent, sibling...), and their names are replaced wherever
they appear in free text. Practitioners appear as their role and organisation, never by name
(docs/sharing.md says why). Every export is an access event naming the person.

The schema (docs/sharing.md, "Subject access") is versioned: `schema` and `version` are the first
keys; a change that removes or renames a key raises the version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from joinedup.casework.models import (
    Action as PlanAction,
)
from joinedup.casework.models import (
    Attendance,
    ChronologyEntry,
    Disagreement,
    Episode,
    Meeting,
    PatternAlert,
    RequestForSupport,
    RequestPerson,
    TeamDecision,
    TeamMember,
)
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner, Profession
from joinedup.people.models import (
    INVERSE_LABEL,
    FamilyMember,
    Involvement,
    Person,
    Relationship,
    RelationshipKind,
    SourceRecord,
)
from joinedup.sharing import audit, policy
from joinedup.sharing.lawful import LawfulBasis, SpecialCondition, StatutoryDuty
from joinedup.sharing.models import (
    AccessEvent,
    Action,
    BreakGlass,
    ConsentGiver,
    ConsentRecord,
    LegalHold,
    SharingDecision,
    SharingNotice,
)

SCHEMA = "joinedup.subject-access"
VERSION = 1
ANOTHER_PERSON = "[another person]"
A_PRACTITIONER = "[a practitioner]"
PURPOSE = "subject access"
FORMATS = ("html", "json", "pdf")


# -- Redaction ---------------------------------------------------------------------------------


def name_variants(person: Person) -> list[str]:
    """The ways a person is written: full name, preferred name, and each name on its own."""
    given, family, preferred = person.given_name, person.family_name, person.preferred_name
    names = [f"{given} {family}", given, family]
    if preferred:
        names += [f"{preferred} {family}", preferred]
    return [n.strip() for n in names if n and n.strip()]


class Redactor:
    """Replaces known names in free text, case-insensitively and as whole words.

    A word the subject shares (a family surname, say) is not replaced on its own: it is the
    subject's own name too. Full names of others are replaced even when they contain it.
    """

    def __init__(self, replacements: dict[str, str], own: Iterable[str] = ()):
        own_names = {" ".join(name.lower().split()) for name in own}
        own_words = {w for name in own_names for w in name.split()}
        self._by_name: dict[str, str] = {}
        for name, placeholder in replacements.items():
            key = " ".join(name.lower().split())
            if len(key) < 2 or key in own_names or (" " not in key and key in own_words):
                continue
            self._by_name.setdefault(key, placeholder)
        self._pattern = self._compile(sorted(self._by_name, key=len, reverse=True))

    @staticmethod
    def _compile(names: list[str]) -> re.Pattern[str] | None:
        if not names:
            return None
        alternatives = "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in names)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def text(self, value: str) -> str:
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(
            lambda m: self._by_name[" ".join(m.group(0).lower().split())], value
        )

    def value(self, value: Any) -> Any:
        """Every string inside a JSON-like value, redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value


# -- Building the export -----------------------------------------------------------------------


def subject_ids(person: Person) -> list[int]:
    """The person and every record merged into them (and into those, and so on)."""
    ids, frontier = [person.pk], [person.pk]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        ids += [pk for pk in frontier if pk not in ids]
    return ids


def other_people(ids: list[int]) -> list[Person]:
    """Everyone joinedup links to the subject: family, relatives, co-subjects of their casework."""
    families = FamilyMember.objects.filter(person_id__in=ids).values("family_id")
    episodes = Episode.objects.filter(persons__in=ids).values("pk")
    requests = RequestPerson.objects.filter(person_id__in=ids).values("request_id")
    linked = (
        Q(family_memberships__family_id__in=families)
        | Q(relationships_from__relative_id__in=ids)
        | Q(relationships_to__person_id__in=ids)
        | Q(episodes__in=episodes)
        | Q(memberships__episode_id__in=episodes)
        | Q(requests__request_id__in=requests)
    )
    return list(Person.objects.filter(linked).exclude(pk__in=ids).distinct())


def practitioner(p: Practitioner | None) -> dict[str, str] | None:
    """A practitioner as the export names them: their role and organisation, not their name."""
    if p is None:
        return None
    organisation = p.organisation.name if p.organisation_id else ""  # type: ignore[union-attr]
    return {"role": p.get_profession_display(), "organisation": organisation}


def _who(person_id: int | None, ids: list[int], subject: Person) -> str:
    return subject.full_name if person_id in ids else ANOTHER_PERSON


@dataclass
class _Context:
    subject: Person
    ids: list[int]

    def by(self, p: Practitioner | None) -> dict[str, str] | None:
        return practitioner(p)

    def who(self, person_id: int | None) -> str:
        return _who(person_id, self.ids, self.subject)


def build(person: Person) -> dict[str, Any]:
    """The export as a JSON-ready dict (dates as date objects). Reads only; does not audit."""
    ctx = _Context(person, subject_ids(person))
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "generated_at": timezone.now(),
        "redaction": {
            "other_people": ANOTHER_PERSON,
            "practitioners": "given as their role and organisation",
        },
        "person": _person(person, ctx),
        "families": _families(ctx),
        "relationships": _relationships(ctx),
        "source_records": _source_records(ctx),
        "involvements": _involvements(ctx),
        "requests_for_support": _requests(ctx),
        "episodes": _episodes(ctx),
        "chronology": _chronology(ctx),
        "pattern_alerts": _pattern_alerts(ctx),
        "consent_records": _consents(ctx),
        "sharing_decisions": _sharing_decisions(ctx),
        "sharing_notices": _sharing_notices(ctx),
        "emergency_access": _break_glass(ctx),
        "legal_holds": _legal_holds(ctx),
        "access_history": _access_history(ctx),
    }
    return _redactor(ctx).value(data)


def _redactor(ctx: _Context) -> Redactor:
    replacements = {n: ANOTHER_PERSON for p in other_people(ctx.ids) for n in name_variants(p)}
    # Every practitioner's full name, not only those the record names: free text mentions others.
    staff = Practitioner.objects.filter(organisation__isnull=False).exclude(last_name="")
    for first, last in staff.exclude(first_name="").values_list("first_name", "last_name"):
        replacements.setdefault(f"{first} {last}", A_PRACTITIONER)
    own = [n for p in Person.objects.filter(pk__in=ctx.ids) for n in name_variants(p)]
    return Redactor(replacements, own=own)


def _person(person: Person, ctx: _Context) -> dict[str, Any]:
    merged = Person.objects.filter(pk__in=ctx.ids).exclude(pk=person.pk)
    return {
        "reference": person.reference,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.get_sex_display(),
        "kind": person.get_kind_display(),
        "address": person.address,
        "postcode": person.postcode,
        "address_confidential": person.address_confidential,
        "nhs_number": person.nhs_number,
        "unique_pupil_number": person.upn,
        "recorded_since": person.created_at,
        "merged_records": sorted(merged.values_list("reference", flat=True)),
    }


def _relationship_labels(ctx: _Context) -> dict[int, str]:
    """What each related person is to the subject: {person id: "Parent"}."""
    labels: dict[int, str] = {}
    rels = Relationship.objects.filter(Q(person_id__in=ctx.ids) | Q(relative_id__in=ctx.ids))
    for r in rels:
        if r.person_id in ctx.ids:  # "subject is KIND of relative": the relative is the inverse
            labels[r.relative_id] = INVERSE_LABEL[r.kind]
        else:
            labels[r.person_id] = RelationshipKind(r.kind).label
    return labels


def _families(ctx: _Context) -> list[dict[str, Any]]:
    labels = _relationship_labels(ctx)
    mine = FamilyMember.objects.filter(person_id__in=ctx.ids).select_related("family")
    others = FamilyMember.objects.filter(family_id__in=mine.values("family_id")).exclude(
        person_id__in=ctx.ids
    )
    by_family: dict[int, list[FamilyMember]] = {}
    for m in others.order_by("pk"):
        by_family.setdefault(m.family_id, []).append(m)
    return [
        {
            "name": m.family.name,
            "lives_in_household": m.lives_in_household,
            "other_members": [
                {
                    "who": ANOTHER_PERSON,
                    "relationship": labels.get(o.person_id, "Family member"),
                    "lives_in_household": o.lives_in_household,
                }
                for o in by_family.get(m.family_id, [])
            ],
        }
        for m in mine.order_by("family__name", "pk")
    ]


def _relationships(ctx: _Context) -> list[dict[str, Any]]:
    rels = Relationship.objects.filter(Q(person_id__in=ctx.ids) | Q(relative_id__in=ctx.ids))
    out = []
    for r in rels.order_by("pk"):
        if r.person_id in ctx.ids and r.relative_id in ctx.ids:
            continue  # between the subject's own merged records
        mine = r.person_id in ctx.ids
        label = INVERSE_LABEL[r.kind] if mine else RelationshipKind(r.kind).label
        responsibility = "No"
        if r.parental_responsibility:
            responsibility = (
                "This person has parental responsibility for the other person"
                if mine
                else "The other person has parental responsibility for this person"
            )
        out.append(
            {
                "who": ANOTHER_PERSON,
                "relationship": label,
                "parental_responsibility": responsibility,
            }
        )
    return out


def _source_records(ctx: _Context) -> list[dict[str, Any]]:
    records = SourceRecord.objects.filter(person_id__in=ctx.ids).select_related("organisation")
    return [
        {
            "organisation": r.organisation.name,
            "agency_record_id": r.agency_record_id,
            "given_name": r.given_name,
            "family_name": r.family_name,
            "date_of_birth": r.date_of_birth,
            "sex": r.get_sex_display(),
            "address": r.address,
            "postcode": r.postcode,
            "nhs_number": r.nhs_number,
            "unique_pupil_number": r.upn,
            "linked": r.get_match_status_display(),
            "received_at": r.received_at,
            "updated_at": r.updated_at,
        }
        for r in records.order_by("organisation__name", "agency_record_id")
    ]


def _involvements(ctx: _Context) -> list[dict[str, Any]]:
    rows = Involvement.objects.filter(person_id__in=ctx.ids).select_related(
        "organisation", "contact__organisation"
    )
    return [
        {
            "organisation": i.organisation.name,
            "service": i.service,
            "kind": i.get_kind_display(),
            "started_on": i.started_on,
            "ended_on": i.ended_on,
            "flags": i.flags,
            "sensitive_category": i.get_sensitive_category_display(),
            "contact": ctx.by(i.contact),
        }
        for i in rows.order_by("-started_on", "pk")
    ]


def _requests(ctx: _Context) -> list[dict[str, Any]]:
    requests = (
        RequestForSupport.objects.filter(
            pk__in=RequestPerson.objects.filter(person_id__in=ctx.ids).values("request_id")
        )
        .exclude(status="draft")
        .select_related("raised_by__organisation", "decision__decided_by__organisation")
        .prefetch_related("needs", "events__actor__organisation")
        .annotate(
            people_count=Count("people", distinct=True),
            mine=Count("people", filter=Q(people__person_id__in=ctx.ids), distinct=True),
        )
        .order_by("received_at", "pk")
    )
    return [_request(r, ctx) for r in requests]


def _request(r: RequestForSupport, ctx: _Context) -> dict[str, Any]:
    decision = getattr(r, "decision", None)
    return {
        "reference": r.reference,
        "status": r.get_status_display(),
        "raised_by": ctx.by(r.raised_by),
        "received_at": r.received_at,
        "immediate_risk": r.immediate_risk,
        "concern": r.concern,
        "needs": [n.name for n in r.needs.all()],
        "family_wants": r.family_wants,
        "family_agreement": r.get_family_agreement_display(),
        "not_asked_reason": r.not_asked_reason,
        "rating": r.get_rating_display(),
        "other_people_in_request": r.people_count - r.mine,  # type: ignore[attr-defined]
        "decision": {
            "outcome": decision.get_outcome_display(),
            "reasons": decision.reasons,
            "decided_at": decision.decided_at,
            "decided_by": ctx.by(decision.decided_by),
        }
        if decision
        else None,
        "history": [
            {"what": e.get_kind_display(), "at": e.at, "by": ctx.by(e.actor), "text": e.text}
            for e in r.events.all()
        ],
    }


def _episodes(ctx: _Context) -> list[dict[str, Any]]:
    members = TeamMember.objects.select_related("practitioner__organisation")
    episodes = (
        Episode.objects.filter(persons__in=ctx.ids)
        .distinct()
        .select_related("lead_professional__organisation", "closure__closed_by__organisation")
        .prefetch_related(
            "persons",
            Prefetch("members", queryset=members),
            "outcomes__category",
            Prefetch(
                "actions",
                queryset=PlanAction.objects.select_related(
                    "owner__practitioner__organisation"
                ).prefetch_related("notes__author__organisation"),
            ),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related(
                    "recorded_by__organisation"
                ).prefetch_related(
                    Prefetch(
                        "attendance",
                        queryset=Attendance.objects.select_related(
                            "member__practitioner__organisation"
                        ),
                    ),
                    "judgements__outcome",
                ),
            ),
            Prefetch(
                "decisions",
                queryset=TeamDecision.objects.select_related(
                    "taken_by__organisation"
                ).prefetch_related(
                    Prefetch(
                        "disagreements",
                        queryset=Disagreement.objects.select_related(
                            "raised_by__practitioner__organisation", "resolved_by__organisation"
                        ).prefetch_related("steps__by__organisation"),
                    )
                ),
            ),
            "incidents__recorded_by__organisation",
            "status_history__by__organisation",
            "handovers__from_practitioner__organisation",
            "handovers__to_practitioner__organisation",
            "assessments__template",
            "assessments__completed_by__organisation",
            "closure_feedback",
        )
        .order_by("opened_at", "pk")
    )
    return [_episode(e, ctx) for e in episodes]


def _member(m: TeamMember | None, ctx: _Context) -> Any:
    if m is None:
        return None
    if m.person_id is not None:
        return {"who": ctx.who(m.person_id), "role": m.role}
    return {**(ctx.by(m.practitioner) or {}), "part": m.role}


def _episode(e: Episode, ctx: _Context) -> dict[str, Any]:
    closure = getattr(e, "closure", None)
    return {
        "reference": e.reference,
        "status": e.get_status_display(),
        "how_it_started": e.get_origin_display(),
        "opened_at": e.opened_at,
        "closed_at": e.closed_at,
        "lead_professional": ctx.by(e.lead_professional),
        "other_people_in_episode": len([p for p in e.persons.all() if p.pk not in ctx.ids]),
        "team": [
            {"member": _member(m, ctx), "joined_at": m.joined_at, "left_at": m.left_at}
            for m in e.members.all()
        ],
        "assessments": [_assessment(a, ctx) for a in e.assessments.all()],
        "plan": _plan(e, ctx),
        "meetings": [_meeting(m, ctx) for m in e.meetings.all()],
        "decisions": [_decision(d, ctx) for d in e.decisions.all()],
        "critical_incidents": [
            {
                "what": i.get_kind_display(),
                "occurred_at": i.occurred_at,
                "description": i.description,
                "recorded_by": ctx.by(i.recorded_by),
            }
            for i in e.incidents.all()
        ],
        "status_history": [
            {"status": s.get_status_display(), "at": s.at, "by": ctx.by(s.by), "reason": s.reason}
            for s in e.status_history.all()
        ],
        "lead_handovers": [
            {
                "at": h.at,
                "from": ctx.by(h.from_practitioner),
                "to": ctx.by(h.to_practitioner),
                "reason": h.reason,
                "family_preference": h.family_preference,
            }
            for h in e.handovers.all()
        ],
        "closure": {
            "reason": closure.get_reason_display(),
            "summary": closure.summary,
            "closed_at": closure.closed_at,
            "closed_by": ctx.by(closure.closed_by),
            "family_feedback": closure.family_feedback,
        }
        if closure
        else None,
        "feedback_at_closure": [
            {
                "given_by": ctx.who(f.given_by_id),
                "how": f.get_how_display(),
                "rating_1_to_5": f.rating,
                "what_helped": f.what_helped,
                "could_be_better": f.could_be_better,
                "given_on": f.given_on,
            }
            for f in e.closure_feedback.all()
        ],
    }


def _assessment(a: Any, ctx: _Context) -> dict[str, Any]:
    titles = {
        f["code"]: (d["title"], f["title"])
        for d in a.template.domains
        for f in d.get("factors", [])
    }
    factors = []
    for code, values in (a.factors or {}).items():
        domain, factor = titles.get(code, ("", code))
        factors.append(
            {
                "domain": domain,
                "factor": factor,
                "strengths": values.get("strengths", ""),
                "needs": values.get("needs", ""),
                "scale": values.get("scale"),
            }
        )
    return {
        "template": f"{a.template.name}, version {a.template.version}",
        "status": a.get_status_display(),
        "started_at": a.started_at,
        "completed_at": a.completed_at,
        "completed_by": ctx.by(a.completed_by),
        "factors": factors,
        "child_words": a.child_words,
        "carers_words": [
            {"who": w.get("who", ""), "words": w.get("words", "")} for w in a.carers_words or []
        ],
        "analysis": a.analysis,
    }


def _plan(e: Episode, ctx: _Context) -> dict[str, Any]:
    return {
        "outcomes": [
            {"text": o.text, "category": o.category.name if o.category else ""}
            for o in e.outcomes.all()
        ],
        "actions": [
            {
                "text": a.text,
                "owner": _member(a.owner, ctx),
                "due_on": a.due_on,
                "status": a.get_status_display(),
                "not_done_reason": a.not_done_reason,
                "notes": [
                    {"at": n.at, "by": ctx.by(n.author), "text": n.text} for n in a.notes.all()
                ],
            }
            for a in e.actions.all()
        ],
    }


def _meeting(m: Meeting, ctx: _Context) -> dict[str, Any]:
    return {
        "kind": m.get_kind_display(),
        "held_on": m.held_on,
        "family_attended": m.family_attended,
        "family_said": m.family_said,
        "notes": m.notes,
        "next_review_on": m.next_review_on,
        "recorded_by": ctx.by(m.recorded_by),
        "attendance": [
            {"who": _member(a.member, ctx), "attendance": a.get_status_display()}
            for a in m.attendance.all()
        ],
        "progress": [
            {"outcome": j.outcome.text, "judgement": j.get_judgement_display()}
            for j in m.judgements.all()
        ],
    }


def _decision(d: TeamDecision, ctx: _Context) -> dict[str, Any]:
    return {
        "text": d.text,
        "reasons": d.reasons,
        "taken_at": d.taken_at,
        "taken_by": ctx.by(d.taken_by),
        "disagreements": [
            {
                "raised_by": _member(x.raised_by, ctx),
                "raised_at": x.raised_at,
                "text": x.text,
                "level": x.level_label,
                "status": x.get_status_display(),
                "resolution": x.resolution,
                "resolved_at": x.resolved_at,
                "steps": [
                    {"level": s.level, "at": s.at, "by": ctx.by(s.by), "note": s.note}
                    for s in x.steps.all()
                ],
            }
            for x in d.disagreements.all()
        ],
    }


def _chronology(ctx: _Context) -> list[dict[str, Any]]:
    entries = ChronologyEntry.objects.filter(person_id__in=ctx.ids).select_related(
        "organisation", "recorded_by__organisation"
    )
    return [
        {
            "occurred_on": c.occurred_on,
            "what": c.get_kind_display(),
            "organisation": c.organisation.name,
            "recorded_by": ctx.by(c.recorded_by),
            "text": c.text,
        }
        for c in entries.order_by("occurred_on", "pk")
    ]


def _pattern_alerts(ctx: _Context) -> list[dict[str, Any]]:
    alerts = PatternAlert.objects.filter(person_id__in=ctx.ids).order_by("raised_at", "pk")
    return [
        {
            "title": a.title,
            "raised_at": a.raised_at,
            "from": a.window_start,
            "to": a.window_end,
            "acknowledged_at": a.acknowledged_at,
        }
        for a in alerts
    ]


def _consents(ctx: _Context) -> list[dict[str, Any]]:
    records = (
        ConsentRecord.objects.filter(person_id__in=ctx.ids)
        .select_related("withdraws", "recorded_by__organisation")
        .prefetch_related("organisations")
        .order_by("effective_on", "pk")
    )
    return [
        {
            "record_id": str(c.record_id),
            "event": c.get_event_display(),
            "withdraws": str(c.withdraws.record_id) if c.withdraws else None,
            "given_by": c.get_given_by_display(),
            # Security: a parent's or carer's name is theirs, not the subject's.
            "given_by_name": c.given_by_name
            if c.given_by == ConsentGiver.YOUNG_PERSON
            else ANOTHER_PERSON,
            "given_by_relationship": c.given_by_relationship,
            "effective_on": c.effective_on,
            "expires_on": c.expires_on,
            "organisations": [o.name for o in c.organisations.all()],
            "sectors": c.sectors,
            "purposes": c.purposes,
            "method": c.get_method_display(),
            "evidence": c.evidence,
            "recorded_by": ctx.by(c.recorded_by),
            "recorded_at": c.recorded_at,
        }
        for c in records
    ]


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _sharing_decisions(ctx: _Context) -> list[dict[str, Any]]:
    decisions = (
        SharingDecision.objects.filter(person_id__in=ctx.ids)
        .select_related("decided_by__organisation")
        .prefetch_related("recipients")
        .order_by("decided_at", "pk")
    )
    return [
        {
            "decision": d.get_choice_display(),
            "what": d.what,
            "categories": d.categories,
            "recipients": [o.name for o in d.recipients.all()]
            + ([d.recipient_other] if d.recipient_other else []),
            "purpose": d.purpose,
            "lawful_basis": _label(LawfulBasis, d.lawful_basis),
            "statutory_duty": _label(StatutoryDuty, d.statutory_duty),
            "special_category_condition": _label(SpecialCondition, d.special_condition),
            "reasons": d.reasons,
            "family_told": d.family_told,
            "decided_by": ctx.by(d.decided_by),
            "decided_at": d.decided_at,
        }
        for d in decisions
    ]


def _sharing_notices(ctx: _Context) -> list[dict[str, Any]]:
    notices = SharingNotice.objects.filter(person_id__in=ctx.ids).select_related(
        "recorded_by__organisation"
    )
    return [
        {
            "notice": n.get_kind_display(),
            "reason": n.reason,
            "recorded_by": ctx.by(n.recorded_by),
            "recorded_at": n.recorded_at,
        }
        for n in notices.order_by("recorded_at", "pk")
    ]


def _break_glass(ctx: _Context) -> list[dict[str, Any]]:
    grants = BreakGlass.objects.filter(person_id__in=ctx.ids).select_related(
        "practitioner__organisation"
    )
    return [
        {
            "opened_at": g.opened_at,
            "ended_at": g.expires_at,
            "by": ctx.by(g.practitioner),
            "reason": g.reason,
            "review": g.get_outcome_display(),
            "reviewed_at": g.reviewed_at,
        }
        for g in grants.order_by("opened_at", "pk")
    ]


def _legal_holds(ctx: _Context) -> list[dict[str, Any]]:
    holds = LegalHold.objects.filter(person_id__in=ctx.ids).order_by("placed_at", "pk")
    return [{"reason": h.reason, "placed_at": h.placed_at, "lifted_at": h.lifted_at} for h in holds]


def _access_history(ctx: _Context) -> list[dict[str, Any]]:
    """Who has accessed the record: each day, organisation, role, action and purpose, counted."""
    rows = (
        AccessEvent.objects.filter(persons__person_id__in=ctx.ids)
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "organisation__name", "actor__profession", "action", "purpose")
        .annotate(times=Count("id", distinct=True))
        .order_by("day", "organisation__name", "actor__profession", "action", "purpose")
    )
    professions, actions = dict(Profession.choices), dict(Action.choices)
    return [
        {
            "date": r["day"],
            "organisation": r["organisation__name"] or "joinedup itself",
            "role": professions.get(r["actor__profession"], "") if r["actor__profession"] else "",
            "action": actions.get(r["action"], r["action"]),
            "purpose": r["purpose"],
            "times": r["times"],
        }
        for r in rows
    ]


# -- The data-protection officer's reads (audited) ---------------------------------------------


def _require_dpo(user: Any, object_id: Any = "") -> None:
    policy.require_data_protection_officer(
        user, object_type="sharing.subject_access", object_id=object_id
    )


def person_by_reference(*, user: Any, reference: str) -> Person:
    """The person a reference names (a merged record leads to the one it joined)."""
    _require_dpo(user, reference[:60])
    if not reference.strip():
        raise ApplicationError("Enter the person's reference", field="reference")
    person = Person.objects.filter(reference__iexact=reference.strip()).first()
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    if person is None:
        raise ApplicationError("No person has this reference", field="reference")
    return person


def _person_for(user: Any, person_id: Any) -> Person:
    _require_dpo(user, person_id)
    try:
        person = Person.objects.filter(pk=int(person_id)).first()
    except (TypeError, ValueError):
        person = None
    if person is None:
        # Security: a missing person answers as a forbidden one does.
        raise policy.refuse(user, object_type="people.person", object_id=person_id, purpose=PURPOSE)
    return person


@dataclass(frozen=True)
class SubjectAccess:
    person: Person
    data: dict[str, Any]
    format: str


def subject_access_export(*, user: Any, person_id: Any, format: str) -> SubjectAccess:
    """Everything about one person, for the data-protection officer only. Audited as an export."""
    if format not in FORMATS:
        raise ApplicationError("Choose HTML, JSON or PDF", field="format")
    person = _person_for(user, person_id)
    data = build(person)
    audit.record(
        actor=user,
        action=Action.EXPORT,
        obj=person,
        persons=subject_ids(person),
        purpose=PURPOSE,
        lawful_basis="legal obligation: right of access (UK GDPR Art. 15)",
        detail={"format": format, "schema": SCHEMA, "version": VERSION},
    )
    return SubjectAccess(person, data, format)


# -- Presentation: the same content as headed sections, for the page and the PDF ---------------

LABELS: dict[str, str] = {
    "person": "Details",
    "families": "Family",
    "relationships": "Relationships",
    "source_records": "Agencies' own records",
    "involvements": "Organisations working with this person",
    "requests_for_support": "Requests for support",
    "episodes": "Episodes of support (team around the family)",
    "chronology": "Chronology",
    "pattern_alerts": "Pattern alerts",
    "consent_records": "Consent to share information",
    "sharing_decisions": "Decisions to share, or not to share, information",
    "sharing_notices": "Whether the family was told of a share",
    "emergency_access": "Emergency access (break-glass)",
    "legal_holds": "Legal holds",
    "access_history": "Who has accessed this record",
    "given_name": "First name",
    "family_name": "Last name",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "unique_pupil_number": "Unique pupil number",
    "agency_record_id": "Agency's record number",
    "other_members": "Other members",
    "lives_in_household": "Lives in the household",
    "other_people_in_request": "Other people in this request",
    "other_people_in_episode": "Other people in this episode",
    "how_it_started": "How it started",
    "critical_incidents": "Critical incidents",
    "feedback_at_closure": "The family's feedback at closure",
    "rating_1_to_5": "How much the help made a difference (1 to 5)",
    "status_history": "Status changes",
    "lead_handovers": "Changes of lead professional",
    "carers_words": "Parents' and carers' words",
    "child_words": "The child's words",
    "family_said": "What the family said",
    "not_done_reason": "Why not done",
    "not_asked_reason": "Why the family was not asked",
    "special_category_condition": "Special category condition",
}


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


@dataclass
class Block:
    """A headed part of the document: its fields (label, value), a table, and parts inside it."""

    heading: str
    level: int
    fields: list[tuple[str, str]] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
    last_column_numeric: bool = False


def show(value: Any) -> str:
    """A value as a person reads it: dates as "4 March 2026", yes or no, lists joined."""
    from joinedup.web.templatetags.joinedup import govuk_date

    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return govuk_date(value)
    if _is_reference_to_someone(value):
        if "who" in value:
            return f"{value['who']} ({value['role']})"
        extra = f" ({value['part']})" if value.get("part") else ""
        return f"{value['role']}, {value['organisation']}{extra}".strip(", ")
    if isinstance(value, list):
        return "; ".join(show(v) for v in value)
    return "" if value is None else str(value)


def _is_reference_to_someone(value: Any) -> bool:
    """A practitioner as role and organisation, or a team member of the family."""
    if not isinstance(value, dict):
        return False
    keys = set(value)
    return keys == {"who", "role"} or ({"role", "organisation"} <= keys <= PRACTITIONER_KEYS)


PRACTITIONER_KEYS = {"role", "organisation", "part"}


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and any(
        isinstance(v, dict) and not _is_reference_to_someone(v) for v in value
    )


def _title(key: str, item: dict[str, Any], n: int) -> tuple[str, str]:
    """A heading for one record of a list, and the key it came from (not repeated below it)."""
    for name in TITLE_KEYS:
        value = item.get(name)
        if _is_reference_to_someone(value):
            return show(value), name
        if isinstance(value, str) and value and len(value) <= TITLE_MAX:
            when = next((item[k] for k in ("occurred_on", "held_on") if item.get(k)), None)
            return (f"{value}, {show(when)}" if when else value), name
    return f"{SINGULAR.get(key, label(key))} {n}", ""


# What names one record of a list, first found first; short text only.
TITLE_KEYS = (
    "reference",
    "title",
    "template",
    "organisation",
    "name",
    "what",
    "kind",
    "event",
    "decision",
    "who",
    "text",
)
TITLE_MAX = 90
SINGULAR = {
    "assessments": "Assessment",
    "actions": "Action",
    "meetings": "Meeting",
    "decisions": "Decision",
    "disagreements": "Disagreement",
    "emergency_access": "Emergency access",
    "consent_records": "Consent record",
    "sharing_decisions": "Decision",
}


def _fields_and_children(data: dict[str, Any], level: int, skip: str = "") -> Block:
    block = Block("", level)
    for key, value in data.items():
        if key == skip:
            continue
        if _is_record_list(value):
            block.children.append(_list_block(key, value, level + 1))
        elif isinstance(value, dict) and not _is_reference_to_someone(value):
            child = _fields_and_children(value, level + 1)
            child.heading = label(key)
            block.children.append(child)
        elif value not in (None, "", []):
            block.fields.append((label(key), show(value)))
    return block


TABLE_MAX_COLUMNS = 5


def _flat(item: dict[str, Any]) -> bool:
    return all(not isinstance(v, list | dict) or _is_reference_to_someone(v) for v in item.values())


def _list_block(key: str, items: list[dict[str, Any]], level: int) -> Block:
    """A list of records: a table when they are small and flat, otherwise a part for each."""
    block = Block(label(key), level, empty="None recorded.")
    keys = list(dict.fromkeys(k for item in items for k in item))
    if items and len(keys) <= TABLE_MAX_COLUMNS and all(_flat(i) for i in items):
        block.columns = [label(k) for k in keys]
        block.rows = [[show(item.get(k)) for k in keys] for item in items]
        return block
    for n, item in enumerate(items, start=1):
        heading, used = _title(key, item, n)
        child = _fields_and_children(item, level + 1, skip=used)
        child.heading = heading
        block.children.append(child)
    return block


ACCESS_COLUMNS = [
    ("date", "Date"),
    ("organisation", "Organisation"),
    ("role", "Role"),
    ("action", "Action"),
    ("purpose", "Purpose"),
    ("times", "Times"),
]
SECTION_KEYS = [
    "person",
    "families",
    "relationships",
    "source_records",
    "involvements",
    "requests_for_support",
    "episodes",
    "chronology",
    "pattern_alerts",
    "consent_records",
    "sharing_decisions",
    "sharing_notices",
    "emergency_access",
    "legal_holds",
    "access_history",
]


def _access_block(rows: list[dict[str, Any]]) -> Block:
    return Block(
        label("access_history"),
        2,
        columns=[title for _, title in ACCESS_COLUMNS],
        rows=[[show(r[key]) for key, _ in ACCESS_COLUMNS] for r in rows],
        empty="Nobody has accessed this record.",
        last_column_numeric=True,
    )


def document(data: dict[str, Any]) -> list[Block]:
    """The export as headed sections: what the page and the PDF show, in this order."""
    sections = []
    for key in SECTION_KEYS:
        value = data.get(key)
        if key == "access_history":
            block = _access_block(value or [])
        elif isinstance(value, dict):
            block = _fields_and_children(value, 2)
            block.heading = label(key)
        else:
            block = _list_block(key, value or [], 2)
        sections.append(block)
    return sections
