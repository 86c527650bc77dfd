from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema

from joinedup.people import selectors
from joinedup.people.schemas import InvolvementOut, PersonOut, PersonPageOut, RelativeOut

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
