"""What every collector shares: who the subject is, redaction of other people, the context."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from joinedup.episodes.models import (
    Episode,
)
from joinedup.frontdoor.models import RequestPerson
from joinedup.partnership.models import Practitioner
from joinedup.people.models import (
    FamilyMember,
    Person,
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


# -- The data-protection officer's reads (audited) ---------------------------------------------


# -- Presentation: the same content as headed sections, for the page and the PDF ---------------
