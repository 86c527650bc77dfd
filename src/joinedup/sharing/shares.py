"""Shares: one organisation seeing another organisation's information about a person.

Part of the access policy: import these names from `joinedup.sharing.policy`, which re-exports
them. What decides a share (safeguarding, a sharing agreement, consent, break-glass) is looked
up once per reader and person (`person_facts`), or once for every person on a page at once
(`persons_facts`, the chronology).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from joinedup.partnership.models import Sector, SharingAgreement
from joinedup.people.models import (
    HIDDEN_SERVICE_CATEGORIES,
    Involvement,
    Person,
    SensitiveCategory,
)
from joinedup.sharing import compiled, visibility
from joinedup.sharing.bases import (
    BASIS_BREAK_GLASS,
    BASIS_OWN_INVOLVEMENT,
    BASIS_SAFEGUARDING,
    is_practitioner,
)
from joinedup.sharing.lawful import (
    SPECIAL_CATEGORIES,
    Basis,
    DataCategory,
    LawfulBasis,
    SpecialCondition,
)
from joinedup.sharing.models import ConsentEvent, ConsentPurpose, ConsentRecord


def agreements_in_force(on: date | None = None) -> list[SharingAgreement]:
    on = on or timezone.localdate()
    in_force = SharingAgreement.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    return list(in_force.prefetch_related("parties"))


def _covers(
    agreement: SharingAgreement, reader_org: Any, owner_org: Any, category: str, purpose: str
) -> bool:
    """Both organisations are parties (a partnership-wide protocol includes everyone), and the
    agreement covers the category and the purpose."""
    parties = {o.pk for o in agreement.parties.all()}
    both = agreement.covers_all_partners or {reader_org.pk, owner_org.pk} <= parties
    return both and category in agreement.categories and purpose in agreement.purposes


class _Shares:
    """What decides every share between one reader and one person, each looked up at most once:
    the person page asks about every organisation involved, and the chronology about every
    person in the episode. Made by person_facts; lives as long as one page."""

    def __init__(self, user: Any, person: Person, purpose: str):
        self.user, self.person, self.purpose = user, person, purpose

    @cached_property
    def safeguarding(self) -> bool:
        return visibility.in_stepped_up_episode(self.user, [self.person.pk]) != set()

    @cached_property
    def duty_to_share(self) -> bool:
        """The child is in an open child-protection enquiry or plan the reader works on."""
        from joinedup.sharing.protection_policy import in_open_protection_case

        return in_open_protection_case(self.user, [self.person.pk]) != set()

    def _duty_to_share_applies(self, owner_org: Any) -> bool:
        """Both organisations are under the duty (s16LA) and the child's welfare is at stake."""
        from joinedup.sharing.protection_policy import under_duty_to_share

        both = under_duty_to_share(owner_org) and under_duty_to_share(self.user.organisation)
        return both and self.duty_to_share

    @cached_property
    def agreements(self) -> list[SharingAgreement]:
        return agreements_in_force()

    @cached_property
    def consents(self) -> list[ConsentRecord]:
        return _consent_candidates([self.person.pk], timezone.localdate())

    def consent_for(self, purpose: str) -> ConsentRecord | None:
        return _covering(self.consents, self.user.organisation, purpose)

    @cached_property
    def consent(self) -> ConsentRecord | None:
        return self.consent_for(
            self.purpose if self.purpose in ConsentPurpose.values else "planning"
        )

    @cached_property
    def explicit_consent(self) -> bool:
        """The person's (or their parent's) consent to share with the reader's organisation."""
        return any(self.consent_for(purpose) for purpose in ("assessment", "planning"))

    @cached_property
    def break_glass(self) -> bool:
        return visibility.break_glass_among(self.user, [self.person.pk]) != set()

    def basis(self, owner_org: Any, category: str) -> Basis | None:
        """In order: safeguarding (s47 after step-up, with Sch. 1 para. 18 for special category
        data); a sharing agreement covering both organisations, the category and the purpose
        (with its Schedule 1 condition for special category data: an agreement without one does
        not open health information); the person's consent to this organisation for this purpose
        (explicit consent, for special category data); break-glass (vital interests). Consent
        comes after the other bases on purpose: for safeguarding it is rarely the right one."""
        if owner_org is not None and owner_org.pk == self.user.organisation_id:
            return BASIS_OWN_INVOLVEMENT
        special = category in SPECIAL_CATEGORIES
        if self.safeguarding:
            return BASIS_SAFEGUARDING
        if self._duty_to_share_applies(owner_org):
            from joinedup.sharing.protection_policy import BASIS_DUTY_TO_SHARE

            return BASIS_DUTY_TO_SHARE
        if owner_org is not None:
            for agreement in self.agreements:
                if special and not agreement.special_condition:
                    continue
                if _covers(agreement, self.user.organisation, owner_org, category, self.purpose):
                    return Basis(
                        agreement.lawful_basis,
                        agreement.statutory_duty,
                        agreement.special_condition if special else "",
                        source=f"agreement: {agreement.name}",
                    )
        if self.consent is not None:
            return Basis(
                LawfulBasis.CONSENT,
                condition=SpecialCondition.EXPLICIT_CONSENT if special else "",
                source=f"consent record {self.consent.record_id}",
            )
        return BASIS_BREAK_GLASS if self.break_glass else None


def share_basis(
    user: Any, person: Person, owner_org: Any, category: str, purpose: str = "planning"
) -> Basis | None:
    """The lawful basis on which this reader may see what another organisation holds about this
    person in this category, or None (then the reader sees "withheld"). See `_Shares.basis`."""
    if not is_practitioner(user):
        return None
    return _Shares(user, person, purpose).basis(owner_org, category)


def person_facts(user: Any, person: Person, purpose: str = "planning") -> _Shares:
    """What decides this reader's view of this person (safeguarding, consent, agreements,
    break-glass), each asked at most once however often a page asks: pass it to
    involvements_visible_to, involvement_history_visible_to and annotate_involvements."""
    return _Shares(user, person, purpose)


def involvement_category(involvement: Involvement) -> str:
    """What knowing the detail of an involvement reveals: health, criminal justice, or neither."""
    sector = involvement.organisation.sector
    if sector == Sector.HEALTH or involvement.sensitive_category in HIDDEN_SERVICE_CATEGORIES:
        return DataCategory.HEALTH
    if (
        sector in (Sector.POLICE, Sector.JUSTICE)
        or involvement.sensitive_category == SensitiveCategory.CRIMINAL_JUSTICE
    ):
        return DataCategory.CRIMINAL_JUSTICE
    return DataCategory.INVOLVEMENT


# The fields of an involvement that say what the organisation is doing; the organisation and its
# contact stay visible, so everyone knows whom to call.
INVOLVEMENT_DETAIL_FIELDS = frozenset({"service", "flags"})
INVOLVEMENT_FLAGS = (
    "child_protection_plan",
    "child_looked_after",
    "ehc_plan",
    "youth_justice_order",
)
WITHHELD = "Withheld"


def annotate_involvements(
    user: Any,
    person: Person,
    involvements: list[Involvement],
    purpose: str = "planning",
    facts: _Shares | None = None,
) -> list[Involvement]:
    """Mark on each involvement which fields this reader may not see (`withheld`) and the basis
    (`share_basis`) on which they see the rest. Pages, API and exports show "Withheld"."""
    shares = None
    if is_practitioner(user):
        shares = (
            facts
            if facts is not None and facts.purpose == purpose
            else person_facts(user, person, purpose)
        )
    bases: dict[tuple[int, str], Basis | None] = {}
    for involvement in involvements:
        key = (involvement.organisation_id, involvement_category(involvement))
        if key not in bases:
            bases[key] = shares.basis(involvement.organisation, key[1]) if shares else None
        basis = bases[key]
        involvement.share_basis = basis  # type: ignore[attr-defined]
        if basis is None:
            # Redacted in memory, so every output built from it says "withheld";
            # Involvement.save refuses a redacted instance.
            involvement.withheld = INVOLVEMENT_DETAIL_FIELDS  # type: ignore[attr-defined]
            involvement.service = WITHHELD
            for flag in INVOLVEMENT_FLAGS:
                setattr(involvement, flag, False)
    return involvements


def consent_covers(
    person: Person, organisation: Any, purpose: str, on: date | None = None
) -> ConsentRecord | None:
    """The newest consent that covers sharing this person's information with this organisation
    for this purpose on this day, or None.

    Covered: given on or before the day, not expired, not withdrawn on or before the day (a
    withdrawal counts at once), naming the organisation or its whole sector, and the purpose.
    """
    candidates = _consent_candidates([person.pk], on or timezone.localdate())
    return _covering(candidates, organisation, purpose)


def same_person_ids(person_id: int) -> list[int]:
    """A person and every person merged into them: append-only records (consent) stay on the
    person they were made for, and are read for both after a merge."""
    return [
        person_id,
        *Person.objects.filter(merged_into_id=person_id).values_list("pk", flat=True),
    ]


def _merged_into(person_ids: list[int]) -> dict[int, int]:
    """Each of these persons, and each person merged into one of them, to the one it is now."""
    found = {pk: pk for pk in person_ids}
    merged = Person.objects.filter(merged_into_id__in=person_ids)
    found.update(merged.values_list("pk", "merged_into_id"))
    return found


def _consent_candidates(
    person_ids: list[int], on: date, now_is: dict[int, int] | None = None
) -> list[ConsentRecord]:
    """The persons' consents in force on the day (theirs, and those made for persons merged
    into them), newest first (three queries, two when `now_is`, `_merged_into` of the persons,
    is given)."""
    person_ids = list(_merged_into(person_ids) if now_is is None else now_is)

    def build(among: Any, on: date) -> QuerySet[ConsentRecord]:
        withdrawn = ConsentRecord.objects.filter(
            withdraws=OuterRef("pk"), event=ConsentEvent.WITHDRAWN, effective_on__lte=on
        )
        return (
            ConsentRecord.objects.filter(
                person_id__any_of=among, event=ConsentEvent.GIVEN, effective_on__lte=on
            )
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
            .exclude(Exists(withdrawn))
            .order_by("-effective_on", "-pk")
        )

    # Compiled once (sharing/compiled.py): asked on every page that shows a person.
    text, params = compiled.sql(("consents",), build, among=frozenset(person_ids), on=on)
    records = list(ConsentRecord.objects.raw(text, params))
    prefetch_related_objects(records, "organisations")
    return records


def _covering(
    records: list[ConsentRecord], organisation: Any, purpose: str
) -> ConsentRecord | None:
    for record in records:
        named = any(o.pk == organisation.pk for o in record.organisations.all())
        if purpose in record.purposes and (named or organisation.sector in record.sectors):
            return record
    return None


def persons_facts(
    user: Any, persons: list[Person], purpose: str = "planning"
) -> dict[int, _Shares]:
    """person_facts for every person on a page, each fact asked once for all of them: the
    agreements once, the consents, and safeguarding, break-glass and open child-protection
    records together."""
    facts = {p.pk: _Shares(user, p, purpose) for p in persons}
    if not facts or not is_practitioner(user):
        return facts
    ids = list(facts)
    agreements = agreements_in_force()
    consents: dict[int, list[ConsentRecord]] = defaultdict(list)
    now_is = _merged_into(ids)
    for record in _consent_candidates(ids, timezone.localdate(), now_is):
        consents[now_is[record.person_id]].append(record)
    from joinedup.sharing.protection_policy import open_protection_read

    # Safeguarding, break-glass and child protection: three compiled queries, one round trip.
    stepped_up, glass, in_protection = map(
        set,
        compiled.first_columns(
            visibility.stepped_up_read(user, ids),
            visibility.break_glass_read(user, ids),
            open_protection_read(user, ids),
        ),
    )
    for pk, shares in facts.items():
        shares.__dict__.update(  # the cached properties, filled in
            agreements=agreements,
            safeguarding=pk in stepped_up,
            consents=consents[pk],
            break_glass=pk in glass,
            duty_to_share=pk in in_protection,
        )
    return facts
