"""The subject's own record, families, relationships, agency records and involvements."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from joinedup.people.models import (
    INVERSE_LABEL,
    FamilyMember,
    Involvement,
    Person,
    Relationship,
    RelationshipKind,
    SourceRecord,
)
from joinedup.records.subject_access.context import ANOTHER_PERSON, _Context


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
