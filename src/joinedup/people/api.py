from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from joinedup.identity import selectors as identity_selectors
from joinedup.people import selectors, services
from joinedup.people.models import HouseholdMembership, Relationship
from joinedup.people.schemas import (
    CoResidentOut,
    EndIn,
    FamilyMemberIn,
    HomeOut,
    InvolvementOut,
    MoveInIn,
    MoveOutIn,
    PersonOut,
    PersonPageOut,
    ProbableMatchesErrorOut,
    RelationshipOut,
    RelativeOut,
)

router = Router(tags=["people"])


class PersonFilter(Schema):
    name: str = ""
    date_of_birth: date | None = None
    page: int = 1


@router.get("", response=PersonPageOut, summary="The persons my organisation works with")
def list_people(request: HttpRequest, filters: Query[PersonFilter]) -> dict:
    page = selectors.my_people(
        user=request.user,
        name=filters.name,
        date_of_birth=filters.date_of_birth,
        page=filters.page,
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": list(page.object_list),
    }


@router.get("/{person_id}", response=PersonOut, summary="One person's record, as the policy allows")
def get_person(request: HttpRequest, person_id: int) -> dict:
    view = selectors.person_get(user=request.user, person_id=person_id)
    person = view.person
    return {
        "id": person.pk,
        "reference": person.reference,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "kind": person.kind,
        "sex": person.sex,
        "age": view.age,
        "address": view.address,
        "postcode": view.postcode,
        "lawful_basis": view.lawful_basis,
        "relatives": [
            RelativeOut(
                id=r.person.pk if r.visible else None,
                name=r.person.full_name,
                relationship=r.relationship,
                parental_responsibility=r.parental_responsibility,
            )
            for r in view.relatives
        ],
        "involvements": [
            InvolvementOut(
                organisation=i.organisation.name,
                organisation_code=i.organisation.code,
                service=i.service,
                kind=i.kind,
                started_on=i.started_on,
                contact=i.contact.get_full_name() if i.contact else None,
                flags=i.flags,
            )
            for i in view.involvements
        ],
        "open_episodes": [
            {
                "reference": s.episode.reference,
                "status": s.episode.status,
                "opened_on": s.episode.opened_at.date(),
                "lead_professional": s.episode.lead_professional.get_full_name(),
                "lead_organisation": s.episode.lead_professional.organisation.name,
                "lead_email": s.episode.lead_professional.email,
                "episode_id": s.episode.pk if s.may_open else None,
            }
            for s in view.episodes
        ],
    }


# Families, relationships and households ---------------------------------------------------------


def _relationship_out(r: Relationship) -> RelationshipOut:
    return RelationshipOut(
        id=r.pk,
        person_id=r.person_id,
        relative_id=r.relative_id,
        kind=r.kind,
        parental_responsibility=r.parental_responsibility,
        parental_responsibility_basis=r.parental_responsibility_basis,
        started_on=r.started_on,
        ended_on=r.ended_on,
    )


@router.post(
    "/{person_id}/family",
    response={201: RelationshipOut, 409: ProbableMatchesErrorOut},
    summary="Add someone to a person's family (through the probable-match check)",
)
def add_family_member(request: HttpRequest, person_id: int, body: FamilyMemberIn) -> Status:
    anchor = selectors.person_for_family_change(user=request.user, person_id=person_id)
    existing = None
    if body.person_id is not None:
        existing = selectors.person_for_family_change(user=request.user, person_id=body.person_id)
    new_person = body.new_person.dict() if body.new_person and existing is None else None
    if new_person and not body.confirm_new:
        probable = identity_selectors.probable_matches(user=request.user, details=new_person)
        if probable:
            return Status(
                409,
                {
                    "message": "Probably the same person as someone you work with: send their "
                    "person_id, or confirm_new to add someone new.",
                    "field": "new_person",
                    "matches": [
                        {
                            "id": m.person.pk,
                            "name": m.person.full_name,
                            "date_of_birth": m.person.date_of_birth,
                            "probability": m.match.probability,
                        }
                        for m in probable
                    ],
                },
            )
    relationship = services.family_member_add(
        actor=request.user,  # type: ignore[arg-type]
        anchor=anchor,
        kind=body.relationship,
        person=existing,
        new_person=new_person,
        parental_responsibility=body.parental_responsibility,
        parental_responsibility_basis=body.parental_responsibility_basis,
        lives_with_since=body.lives_with_since,
    )
    return Status(201, _relationship_out(relationship))


@router.post(
    "/{person_id}/relationships/{relationship_id}/end",
    response=RelationshipOut,
    summary="Record that a relationship has ended",
)
def end_relationship(
    request: HttpRequest, person_id: int, relationship_id: int, body: EndIn
) -> RelationshipOut:
    person = selectors.person_for_family_change(user=request.user, person_id=person_id)
    relationship = selectors.relationship_get(
        user=request.user, person=person, relationship_id=relationship_id
    )
    ended = services.relationship_end(
        actor=request.user,  # type: ignore[arg-type]
        relationship=relationship,
        ended_on=body.ended_on,
    )
    return _relationship_out(ended)


def _home_out(m: HouseholdMembership, others: list[HouseholdMembership]) -> HomeOut:
    return HomeOut(
        id=m.pk,
        household_id=m.household_id,
        moved_in_on=m.moved_in_on,
        moved_out_on=m.moved_out_on,
        others=[
            CoResidentOut(
                name=o.person.full_name, moved_in_on=o.moved_in_on, moved_out_on=o.moved_out_on
            )
            for o in others
        ],
    )


@router.get("/{person_id}/households", response=list[HomeOut], summary="A person's homes")
def list_households(request: HttpRequest, person_id: int) -> list[HomeOut]:
    person = selectors.person_for_family_change(user=request.user, person_id=person_id)
    homes = selectors.households_for(user=request.user, person=person)
    return [_home_out(h.membership, h.others) for h in homes]


@router.post(
    "/{person_id}/households",
    response={201: HomeOut},
    summary="Record that a person moved to a new home",
)
def move_in(request: HttpRequest, person_id: int, body: MoveInIn) -> Status:
    person = selectors.person_for_family_change(user=request.user, person_id=person_id)
    membership = services.household_join(
        actor=request.user,  # type: ignore[arg-type]
        person=person,
        moved_in_on=body.moved_in_on,
        moved_out_on=body.moved_out_on,
    )
    return Status(201, _home_out(membership, []))


@router.post(
    "/{person_id}/households/{membership_id}/moved-out",
    response=HomeOut,
    summary="Record that a person moved out of a household",
)
def move_out(request: HttpRequest, person_id: int, membership_id: int, body: MoveOutIn) -> HomeOut:
    person = selectors.person_for_family_change(user=request.user, person_id=person_id)
    membership = selectors.membership_get(
        user=request.user, person=person, membership_id=membership_id
    )
    done = services.household_leave(
        actor=request.user,  # type: ignore[arg-type]
        membership=membership,
        moved_out_on=body.moved_out_on,
    )
    return _home_out(done, [])
