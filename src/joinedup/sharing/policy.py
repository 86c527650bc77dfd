"""The access policy: the one place that decides who may see what, and on what basis.

Selectors ask it both questions Zulip-style: "may this user see this record?" and "which records
may this user see?" (a queryset filter). Nothing else in joinedup decides access.

First version (the foundation): a practitioner sees a person while their organisation has a
current involvement with that person. Everything else is refused, and refusals are audited by the
caller through `refuse()` so that the refused page looks exactly like a missing one.

The queries behind "which may I see" live in `sharing/visibility.py` (one indexed branch per
ground, combined with UNION) and the family's own pages in `sharing/family_policy.py`; both are
part of this policy, and every name is imported from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Episode
from joinedup.errors import NotFound
from joinedup.frontdoor.models import RequestForSupport, RequestStatus
from joinedup.partnership.models import Role
from joinedup.people.models import (
    HIDDEN_SERVICE_CATEGORIES,
    Involvement,
    Person,
)
from joinedup.sharing import visibility
from joinedup.sharing.bases import (
    BASIS_BREAK_GLASS,
    BASIS_EPISODE,
    BASIS_FRONT_DOOR,
    BASIS_OWN_INVOLVEMENT,
    BASIS_OWN_REQUEST,
    BASIS_SAFEGUARDING,
    is_practitioner,
)
from joinedup.sharing.family_policy import (  # the family's own pages: see that module
    BASIS_FAMILY_OWN,
    FAMILY_CLOSED_EPISODE_DAYS,
    FAMILY_LOCATING_SECTORS,
    FAMILY_WITHHELD_MEETING_FIELDS,
    FAMILY_YOUNG_PERSON_MIN_AGE,
    family_account,
    family_consent_visible_to,
    family_episodes_visible_to,
    family_hidden_organisations,
    family_may_be_invited,
    family_may_read_decision,
    family_may_read_measurement,
    family_may_read_measurement_note,
    family_may_read_words,
    family_owns_action,
    family_participants,
    family_team_visible_to,
    family_withholding_suggested,
    is_family,
    require_family_episode,
)
from joinedup.sharing.lawful import Basis, DataCategory, LawfulBasis
from joinedup.sharing.models import (
    AddressPermission,
    AdviceRequest,
    SharingDecision,
)
from joinedup.sharing.shares import (  # shares between organisations: see that module
    INVOLVEMENT_DETAIL_FIELDS,
    INVOLVEMENT_FLAGS,
    WITHHELD,
    _covers,
    _Shares,
    agreements_in_force,
    annotate_involvements,
    consent_covers,
    involvement_category,
    person_facts,
    persons_facts,
    same_person_ids,
    share_basis,
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis | None = None
    purpose: str = ""

    @property
    def lawful_basis(self) -> str:
        return self.basis.label if self.basis else ""


current_involvements = visibility.current_involvements


def is_front_door(user: Any) -> bool:
    """Front-door practitioners: the role, or membership of a team flagged as the front door."""
    if not is_practitioner(user):
        return False
    cached = getattr(user, "_is_front_door", None)
    if cached is None:
        # The signed-in user arrives with their team (joinedup.web.auth): no query for it.
        cached = user.has_role(Role.Code.FRONT_DOOR) or (
            user.team_id is not None and user.team.is_front_door
        )
        user._is_front_door = cached
    return bool(cached)


_GROUND_BASES = {
    visibility.OWN_INVOLVEMENT: BASIS_OWN_INVOLVEMENT,
    visibility.SAFEGUARDING: BASIS_SAFEGUARDING,
    visibility.EPISODE: BASIS_EPISODE,
    visibility.FRONT_DOOR: BASIS_FRONT_DOOR,
}


def persons_visible_to(user: Any, *, long_list: bool = False) -> QuerySet[Person]:
    """Every person this user may see: a filter, so lists stay one query. The grounds (own
    organisation's current involvement, the team around the family, an open request at the
    front door, live break-glass) are a UNION of indexed lookups: see sharing/visibility.py.

    `long_list`: for a page of a list of thousands in name order. PostgreSQL then walks the name
    index and tests each person against the visible ids hashed once, stopping at the end of the
    page, instead of reading every visible person to sort them. Inside an OR (with "pk < 0",
    which matches nobody) the IN stays such a hashed test rather than becoming a join."""
    if not is_practitioner(user):
        return Person.objects.none()
    grounds_sql = visibility.visible_person_ids_sql(user, front_door=is_front_door(user))
    grounds = RawSQL(*grounds_sql)  # noqa: S611 - compiled by Django, values as parameters
    allowed = Q(pk__in=grounds) | Q(pk__lt=0) if long_list else Q(pk__in=grounds)
    # A person merged into another is reached through the one they were merged into.
    return Person.objects.filter(allowed, merged_into__isnull=True)


def persons_visible_among(user: Any, person_ids: Iterable[int]) -> set[int]:
    """Which of these persons (a person's relatives, say) this user may see: the grounds each
    narrowed to them by its index, rather than every visible person worked out and then
    intersected."""
    ids = sorted(set(person_ids))
    if not is_practitioner(user) or not ids:
        return set()
    return visibility.visible_among(user, ids, front_door=is_front_door(user))


def persons_visible_count(user: Any) -> int:
    """How many persons this user may see, counted from the grounds' indexes alone (the few
    merged persons among them subtracted), without reading every person."""
    if not is_practitioner(user):
        return 0
    grounds, params = visibility.visible_person_ids_sql(user, front_door=is_front_door(user))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM ({grounds}) visible) - ({_merged_among(grounds)})",  # noqa: S608 - compiled by Django, values as parameters
            [*params, *params],
        )
        return int(cursor.fetchone()[0])


def _merged_among(grounds: str) -> str:
    """SQL counting the persons merged into another among `grounds` (SQL of their ids)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    merged_into = connection.ops.quote_name(Person._meta.get_field("merged_into").column)
    return (
        f"SELECT count(*) FROM {table} merged "  # noqa: S608 - the model's own names
        f"WHERE merged.{merged_into} IS NOT NULL AND merged.id IN ({grounds})"
    )


def persons_visible_page(
    user: Any, *, order: Sequence[str], start: int, stop: int
) -> tuple[list[Person], int]:
    """A page (`start`:`stop` in `order`) of the persons this user may see, and how many there
    are in all.

    On PostgreSQL the grounds are worked out once, as a materialised common table expression
    that the count and the page both read: for an organisation working with ten thousand
    people, that union is most of the page's time, and asking it twice (count, then page)
    doubled it. Elsewhere, the count and then the page."""
    if not is_practitioner(user):
        return [], 0
    if connection.vendor != "postgresql":  # the name-index walk is PostgreSQL's plan only
        listed = persons_visible_to(user).order_by(*order)
        return list(listed[start:stop]), persons_visible_count(user)
    grounds_sql, grounds_params = visibility.visible_person_ids_sql(
        user, front_door=is_front_door(user)
    )
    in_grounds = RawSQL("SELECT id FROM visible_grounds", ())
    merged = _merged_among("SELECT id FROM visible_grounds")
    # Walk the name index testing each person against the grounds hashed once (see
    # persons_visible_to's long_list), with the count beside every row of the page.
    page = (
        Person.objects.filter(Q(pk__in=in_grounds) | Q(pk__lt=0), merged_into__isnull=True)
        .annotate(
            visible_total=RawSQL(  # noqa: S611 - constant text, no input in it
                f"(SELECT count(*) FROM visible_grounds) - ({merged})",  # noqa: S608
                (),
            )
        )
        .order_by(*order)[start:stop]
    )
    page_sql, page_params = page.query.sql_with_params()
    sql = f"WITH visible_grounds (id) AS MATERIALIZED ({grounds_sql}) {page_sql}"
    rows = list(Person.objects.raw(sql, (*grounds_params, *page_params)))
    if rows:
        return rows, int(rows[0].visible_total)  # type: ignore[attr-defined]
    return [], persons_visible_count(user)  # past the last page: the count alone


def person_decision(user: Any, person: Person, purpose: str = "casework") -> Decision:
    """May this user see this person, and on what basis: one query for every ground at once."""
    if not is_practitioner(user):
        return Decision(False, purpose=purpose)
    ground = visibility.person_ground(user, person.pk, front_door=is_front_door(user))
    if ground is None:
        return Decision(False, purpose=purpose)
    return Decision(True, _GROUND_BASES.get(ground, BASIS_BREAK_GLASS), purpose)


def requests_visible_to(user: Any) -> QuerySet[RequestForSupport]:
    """The asker sees their own; the front door the open and decided ones; a lead those sent."""
    if not is_practitioner(user):
        return RequestForSupport.objects.none()
    ids = visibility.visible_request_ids(user, front_door=is_front_door(user))
    return RequestForSupport.objects.filter(pk__in=ids)


def requests_sent_to(user: Any) -> QuerySet[RequestForSupport]:
    """The requests the front door sent to this practitioner to lead (one ground of
    requests_visible_to, read by its own index: My work's "requests waiting for you")."""
    if not is_practitioner(user):
        return RequestForSupport.objects.none()
    return RequestForSupport.objects.filter(assigned_to_id=user.pk, status=RequestStatus.ROUTED)


def request_decision(user: Any, request: RequestForSupport) -> Decision:
    if not requests_visible_to(user).filter(pk=request.pk).exists():
        return Decision(False)
    if request.raised_by_id == user.pk:
        return Decision(True, BASIS_OWN_REQUEST, "request for support")
    return Decision(True, BASIS_FRONT_DOOR, "triage")


def may_triage(user: Any, request: RequestForSupport) -> bool:
    """Rate, reassign and decide: the front door while it is open; the lead when sent to them."""
    if request.status == RequestStatus.RECEIVED:
        return is_front_door(user)
    if request.status == RequestStatus.ROUTED:
        return request.assigned_to_id == getattr(user, "pk", None)
    return False


def episodes_visible_to(user: Any) -> QuerySet[Episode]:
    """The lead professional and every current member of the team around the family."""
    if not is_practitioner(user):
        return Episode.objects.none()
    return Episode.objects.filter(pk__in=visibility.visible_episode_ids(user))


def open_episodes_visible_to(user: Any) -> QuerySet[Episode]:
    """The open episodes of `episodes_visible_to`, for lists of one's own work (My work).

    The ids are read first (a practitioner's teams: a few to a few hundred), so the database
    fetches those episodes by key instead of weighing them against every episode there is."""
    if not is_practitioner(user):
        return Episode.objects.none()
    ids = visibility.ids_of(visibility.visible_episode_ids(user))
    return Episode.objects.filter(pk__any_of=frozenset(ids)).exclude(status="closed").order_by()


def may_edit_episode(user: Any, episode: Episode) -> bool:
    """Team members work on the plan; a closed episode is read-only."""
    return episode.status != "closed" and episodes_visible_to(user).filter(pk=episode.pk).exists()


def _require(user: Any, qs: QuerySet[Any], object_id: Any, object_type: str, purpose: str) -> Any:
    found = None
    if is_practitioner(user):
        try:
            found = qs.filter(pk=int(object_id)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise refuse(user, object_type=object_type, object_id=object_id, purpose=purpose)
    return found


def require_request(user: Any, request_id: Any, purpose: str = "triage") -> RequestForSupport:
    """Security: a request the user may not see answers exactly as a missing one."""
    return _require(
        user, requests_visible_to(user), request_id, "frontdoor.requestforsupport", purpose
    )


def require_episode(
    user: Any,
    episode_id: Any,
    purpose: str = "casework",
    reading: Callable[[QuerySet[Episode]], QuerySet[Episode]] | None = None,
) -> Episode:
    """`reading`: what the caller reads with the episode (its select_related and prefetches),
    in the same fetch as the check."""
    visible = episodes_visible_to(user)
    if reading is not None:
        visible = reading(visible)
    return _require(user, visible, episode_id, "episodes.episode", purpose)


def involvements_visible_to(
    user: Any, person: Person, facts: _Shares | None = None
) -> QuerySet[Involvement]:
    """The involvement index for a person, as this reader may know it.

    Involvement with a sexual-health, mental-health or substance-use service is itself special
    category information: it is listed only to that service's own organisation, or where a
    safeguarding basis applies (the reader's team holds the child's episode after step-up to
    children's social care, Children Act 1989 s47). Consent-based sharing extends this.
    `facts` (from person_facts) lets a page ask each deciding fact once.
    """
    current = visibility.current_involvements().filter(person=person)
    return _known_involvements(user, person, current, facts)


def involvement_history_visible_to(
    user: Any, person: Person, facts: _Shares | None = None
) -> QuerySet[Involvement]:
    """Every involvement with the person, current and ended (the chronology), by the same rule."""
    return _known_involvements(user, person, Involvement.objects.filter(person=person), facts)


def _hidden_services(user: Any) -> Q:
    """Involvements with a sensitive service of another organisation."""
    return Q(sensitive_category__in=list(HIDDEN_SERVICE_CATEGORIES)) & ~Q(
        organisation_id=user.organisation_id
    )


def _known_involvements(
    user: Any, person: Person, involvements: QuerySet[Involvement], facts: _Shares | None
) -> QuerySet[Involvement]:
    if not is_practitioner(user):
        return involvements.none()
    facts = facts or person_facts(user, person)
    if facts.safeguarding or facts.explicit_consent:
        return involvements
    return involvements.exclude(_hidden_services(user))


def involvement_histories_visible_to(user: Any, facts: dict[int, _Shares]) -> QuerySet[Involvement]:
    """involvement_history_visible_to for every person of a page at once (from persons_facts),
    by the same rule, in one query."""
    if not is_practitioner(user) or not facts:
        return Involvement.objects.none()
    known = [pk for pk, f in facts.items() if f.safeguarding or f.explicit_consent]
    others = [pk for pk in facts if pk not in known]
    return Involvement.objects.filter(
        Q(person_id__in=known) | (Q(person_id__in=others) & ~_hidden_services(user))
    )


def may_see_address(user: Any, person: Person) -> bool:
    """An address marked confidential (a refuge, witness protection) is seen only by those
    explicitly allowed: an organisation or a practitioner named on a current permission, and the
    person themselves on the family's pages. Everyone else, in every output, sees "withheld"."""
    if not person.address_confidential:
        return True
    own = family_person_id(user)
    if own is not None:
        return own == person.pk
    if not is_practitioner(user):
        return False
    return AddressPermission.objects.filter(
        Q(organisation_id=user.organisation_id) | Q(practitioner_id=user.pk),
        person=person,
        revoked_at__isnull=True,
    ).exists()


def family_person_id(user: Any) -> int | None:
    """The person a family member's account belongs to (the family's own pages), or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "organisation_id", None):
        return None
    try:
        return int(user.family_account.person_id)
    except ObjectDoesNotExist:
        return None
    except AttributeError:
        return None


PERSON_ADDRESS_FIELDS = frozenset({"address", "postcode"})


def withheld_person_fields(user: Any, person: Person) -> frozenset[str]:
    """The fields of a person's record this reader may not see."""
    return frozenset() if may_see_address(user, person) else PERSON_ADDRESS_FIELDS


# Advice without naming the family: the asker, and whoever was asked (a colleague, or every member
# of the team asked, such as the front door).


def advice_visible_to(user: Any) -> QuerySet[AdviceRequest]:
    if not is_practitioner(user):
        return AdviceRequest.objects.none()
    allowed = Q(asked_by=user) | Q(asked_of=user)
    if user.team_id is not None:
        allowed |= Q(asked_of_team_id=user.team_id)
    return AdviceRequest.objects.filter(allowed)


def may_answer_advice(user: Any, advice: AdviceRequest) -> bool:
    if not is_practitioner(user) or advice.asked_by_id == user.pk:
        return False
    return advice.asked_of_id == user.pk or (
        advice.asked_of_team_id is not None and advice.asked_of_team_id == user.team_id
    )


def require_advice(user: Any, advice_id: Any) -> AdviceRequest:
    return _require(user, advice_visible_to(user), advice_id, "sharing.advicerequest", "advice")


def sharing_decisions_visible_to(user: Any, person: Person) -> QuerySet[SharingDecision]:
    """Decisions about a person the reader may see: a reader of the person's record sees them
    all (a decision not to share says what was held back, not the information itself)."""
    if not person_decision(user, person).allowed:
        return SharingDecision.objects.none()
    return SharingDecision.objects.filter(person=person)


def refuse(user: Any, *, object_type: str, object_id: Any, purpose: str = "") -> NotFound:
    """Audit a refused attempt and return the NotFound to raise (same as a missing record)."""
    audit.record(
        actor=user,
        action=Action.REFUSED,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
    )
    return NotFound()


def require_person(user: Any, person_id: Any, purpose: str = "casework") -> tuple[Person, Decision]:
    """Fetch-and-check in one step. Security: missing and forbidden raise the same NotFound."""
    person = None
    if is_practitioner(user):
        try:
            person = Person.objects.filter(pk=int(person_id)).first()
        except (TypeError, ValueError):
            person = None
    decision = person_decision(user, person, purpose) if person else Decision(False)
    if person is None or not decision.allowed:
        raise refuse(user, object_type="people.person", object_id=person_id, purpose=purpose)
    return person, decision


def is_data_protection_officer(user: Any) -> bool:
    return is_practitioner(user) and user.has_role(Role.Code.DATA_PROTECTION_OFFICER)


def require_data_protection_officer(user: Any, *, object_type: str, object_id: Any = "") -> None:
    """The data-protection officer's pages. Security: anyone else is refused (audited) as 404."""
    if not is_data_protection_officer(user):
        raise refuse(user, object_type=object_type, object_id=object_id, purpose="data protection")


# Partnership health (insight, issue #7) -----------------------------------------------------
# Partnership managers and administrators see every partnership-health page; any practitioner
# may answer an open survey round. Insight pages show organisations, teams and professions only,
# never a person, so no lawful basis for a person's record is involved.


def may_view_partnership_health(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "has_role"):
        return False
    return bool(
        user.is_superuser
        or user.has_role(Role.Code.PARTNERSHIP_MANAGER)
        or user.has_role(Role.Code.ADMINISTRATOR)
    )


def require_partnership_manager(user: Any, *, object_type: str, object_id: Any = "") -> None:
    """Security: anyone else is refused (audited) exactly as a missing page."""
    if not may_view_partnership_health(user):
        raise refuse(
            user, object_type=object_type, object_id=object_id, purpose="partnership health"
        )


def may_answer_surveys(user: Any) -> bool:
    """Any practitioner of a partner organisation answers for themselves (anonymously)."""
    return is_practitioner(user)


@dataclass(frozen=True)
class EpisodeSighting:
    """An open team around a person, as shown to a reader who may see the person: who leads and
    how to reach them, and whether the reader may open the episode (its team only)."""

    episode: Episode
    may_open: bool


def open_episodes_about(user: Any, person_ids: list[int]) -> dict[int, list[EpisodeSighting]]:
    """For a reader already allowed to see these persons: every open team around each of them.
    That a family has a lead professional is what every agency working with them must know; what
    the team records stays with the team (`may_open`)."""
    if not is_practitioner(user) or not person_ids:
        return {}
    # Who is in which team, by the membership table alone; then the open episodes by id.
    about = list(
        Episode.persons.through.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "episode_id"
        )
    )
    if not about:
        return {}
    episodes = (
        Episode.objects.filter(pk__in={episode_id for _, episode_id in about})
        .exclude(status="closed")
        .select_related("lead_professional__organisation", "lead_professional__team", "lead_team")
        .in_bulk()
    )
    mine = set(episodes_visible_to(user).filter(pk__in=list(episodes)).values_list("pk", flat=True))
    in_team: dict[int, list[int]] = {}
    for person_id, episode_id in about:
        in_team.setdefault(episode_id, []).append(person_id)
    found: dict[int, list[EpisodeSighting]] = {}
    for episode_id, episode in episodes.items():  # the newest first
        for person_id in in_team[episode_id]:
            found.setdefault(person_id, []).append(EpisodeSighting(episode, episode_id in mine))
    return found


# Service directory and referrals (directory, issue 18) ----------------------------------------
# Decided: any practitioner may search the directory (it holds no one's information). Services
# are kept by administrators, and by a partner organisation's practitioners for its own. A
# referral is seen by whoever made it, the lead professional and current team of its episode,
# and the receiving organisation's practitioners (a partner); the family sees referrals of the
# episodes they take part in. A referral tells the service about someone only with the family's
# agreement and a lawful basis: a sharing agreement covering the purpose "referral" (partners),
# or consent to share for a referral naming the organisation or its sector. A request for support
# the front door signposted may be referred by whoever may see the request (the asker, the front
# door), and its referrals are seen by them too. Administrators register the other publishers'
# feeds the worker follows (the feeds hold services, nobody's information).


def may_follow_feeds(user: Any) -> bool:
    return is_practitioner(user) and (user.is_superuser or user.has_role(Role.Code.ADMINISTRATOR))


def require_feed_administrator(user: Any, object_id: Any = "") -> None:
    """Security: anyone else is refused (audited) exactly as a missing page."""
    if not may_follow_feeds(user):
        raise refuse(user, object_type="directory.feed", object_id=object_id, purpose="directory")


def may_refer_from_request(user: Any, request: RequestForSupport) -> bool:
    """A request the user may see (already checked), which the front door signposted."""
    outcome = getattr(getattr(request, "decision", None), "outcome", "")
    return is_practitioner(user) and outcome == "advice"


def may_keep_service_organisation(user: Any, organisation: Any) -> bool:
    if not is_practitioner(user):
        return False
    if user.is_superuser or user.has_role(Role.Code.ADMINISTRATOR):
        return True
    return organisation.partner_id is not None and organisation.partner_id == user.organisation_id


def referrals_visible_to(user: Any) -> QuerySet[Any]:
    from joinedup.directory.models import Referral

    if not is_practitioner(user):
        return Referral.objects.none()
    ids = visibility.visible_referral_ids(user, front_door=is_front_door(user))
    return Referral.objects.filter(pk__in=ids)


def episode_referrals_visible_to(user: Any, episode_ids: Iterable[int]) -> QuerySet[Any]:
    """The referrals of these episodes that this user may see: all of a team's referrals to
    its lead and current members (the team's ground of referrals_visible_to), none of any
    other episode's. Read by the episodes' own index, the policy's other branches unasked."""
    from joinedup.directory.models import Referral

    ids = set(episode_ids)
    if not is_practitioner(user) or not ids:
        return Referral.objects.none()
    mine = visibility.visible_episode_ids(user)
    return Referral.objects.filter(episode_id__in=ids).filter(episode_id__in=mine)


def require_referral(user: Any, referral_id: Any, purpose: str = "referral") -> Any:
    """Security: a referral the user may not see answers exactly as a missing one."""
    return _require(user, referrals_visible_to(user), referral_id, "directory.referral", purpose)


def may_receive_referral(user: Any, referral: Any) -> bool:
    """The receiving organisation's practitioners accept, decline, start and complete it."""
    partner_id = referral.service.organisation.partner_id
    return is_practitioner(user) and partner_id is not None and partner_id == user.organisation_id


def may_follow_referral(user: Any, referral: Any) -> bool:
    """The referrer, and the lead and team of its episode, record that the family did not take
    it up."""
    if not is_practitioner(user):
        return False
    if referral.referred_by_id == user.pk:
        return True
    return referral.episode_id is not None and (
        episodes_visible_to(user).filter(pk=referral.episode_id).exists()
    )


def referral_basis(user: Any, person: Person, service_organisation: Any) -> Basis | None:
    """The lawful basis for telling a service's organisation about this person, or None: the
    receiving organisation is the one told, so agreements and consent are read towards it."""
    if not is_practitioner(user):
        return None
    partner = service_organisation.partner
    if partner is not None and partner.pk == user.organisation_id:
        return BASIS_OWN_INVOLVEMENT
    if partner is not None:
        for agreement in agreements_in_force():
            if _covers(agreement, user.organisation, partner, DataCategory.IDENTITY, "referral"):
                return Basis(
                    agreement.lawful_basis,
                    agreement.statutory_duty,
                    source=f"agreement: {agreement.name}",
                )
    # Consent naming the organisation (a partner) or its sector (anyone, inside or outside).
    told = partner or type("Outside", (), {"pk": None, "sector": service_organisation.sector})()
    consent = consent_covers(person, told, "referral")
    if consent is None:
        return None
    return Basis(LawfulBasis.CONSENT, source=f"consent record {consent.record_id}")


def family_referrals_visible_to(user: Any) -> QuerySet[Any]:
    from joinedup.directory.models import Referral

    if family_account(user) is None:
        return Referral.objects.none()
    return Referral.objects.filter(episode__in=family_episodes_visible_to(user).values("pk"))


__all__ = [
    "BASIS_BREAK_GLASS",
    "BASIS_EPISODE",
    "BASIS_FAMILY_OWN",
    "BASIS_FRONT_DOOR",
    "BASIS_OWN_INVOLVEMENT",
    "BASIS_OWN_REQUEST",
    "BASIS_SAFEGUARDING",
    "FAMILY_CLOSED_EPISODE_DAYS",
    "FAMILY_LOCATING_SECTORS",
    "FAMILY_WITHHELD_MEETING_FIELDS",
    "FAMILY_YOUNG_PERSON_MIN_AGE",
    "INVOLVEMENT_DETAIL_FIELDS",
    "INVOLVEMENT_FLAGS",
    "WITHHELD",
    "agreements_in_force",
    "annotate_involvements",
    "consent_covers",
    "family_account",
    "family_consent_visible_to",
    "family_episodes_visible_to",
    "family_hidden_organisations",
    "family_may_be_invited",
    "family_may_read_decision",
    "family_may_read_measurement",
    "family_may_read_measurement_note",
    "family_may_read_words",
    "family_owns_action",
    "family_participants",
    "family_team_visible_to",
    "family_withholding_suggested",
    "involvement_category",
    "is_family",
    "is_practitioner",
    "person_facts",
    "persons_facts",
    "require_family_episode",
    "same_person_ids",
    "share_basis",
]

# The statutory path, webhooks and the daily record keep their rules in modules of their own; the
# policy names them all. Imported last: those modules reach back into this one for refusals and
# person decisions.
from joinedup.sharing.protection_policy import (  # noqa: E402
    BASIS_CENSUS,
    BASIS_CHILD_PROTECTION,
    BASIS_DUTY_TO_SHARE,
    DUTY_TO_SHARE_SECTORS,
    child_protection_teams_visible_to,
    may_configure_child_protection_teams,
    may_make_census_return,
    protection_cases_visible_to,
    require_census_maker,
    require_child_protection_team,
    require_protection_case,
    under_duty_to_share,
)
from joinedup.sharing.record_policy import (  # noqa: E402
    RECORD_SHARED_WITH_TEAM,
    family_record_persons,
    family_records_visible_to,
    record_decision,
    records_visible_to,
)
from joinedup.sharing.told import (  # noqa: E402
    organisations_told_of_episode,
    organisations_told_of_involvement,
    organisations_told_of_request,
)

__all__ += [
    "BASIS_CENSUS",
    "BASIS_CHILD_PROTECTION",
    "BASIS_DUTY_TO_SHARE",
    "DUTY_TO_SHARE_SECTORS",
    "RECORD_SHARED_WITH_TEAM",
    "child_protection_teams_visible_to",
    "family_record_persons",
    "family_records_visible_to",
    "may_configure_child_protection_teams",
    "may_make_census_return",
    "organisations_told_of_episode",
    "organisations_told_of_involvement",
    "organisations_told_of_request",
    "protection_cases_visible_to",
    "record_decision",
    "records_visible_to",
    "require_census_maker",
    "require_child_protection_team",
    "require_protection_case",
    "under_duty_to_share",
]
