"""Requests, episodes, assessments, plans, meetings, decisions and the chronology about the
subject."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q

from joinedup.chronology.models import ChronologyEntry, PatternAlert
from joinedup.episodes.models import Action as PlanAction
from joinedup.episodes.models import (
    Attendance,
    Disagreement,
    Episode,
    Meeting,
    TeamDecision,
    TeamMember,
)
from joinedup.frontdoor.models import RequestForSupport, RequestPerson
from joinedup.records.subject_access.context import _Context


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


def _referrals(ctx: _Context) -> list[dict[str, Any]]:
    """Referrals to services about the person, with what happened (the directory)."""
    from joinedup.directory.models import Referral

    referrals = Referral.objects.filter(person_id__in=ctx.ids).select_related(
        "service__organisation", "referred_by__organisation"
    )
    return [
        {
            "reference": r.reference,
            "service": r.service.name,
            "organisation": r.service.organisation.name,
            "referred_by": ctx.by(r.referred_by),
            "sent_at": r.sent_at,
            "asked": r.asked,
            "shared": r.shared,
            "lawful_basis": r.lawful_basis,
            "status": r.get_status_display(),
            "reason": r.reason,
            "what_changed": r.what_changed,
        }
        for r in referrals.order_by("sent_at", "pk")
    ]
