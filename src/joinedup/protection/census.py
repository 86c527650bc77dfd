"""The Children in Need census return: child-level XML for a reporting year (1 April to 31 March),
built from joinedup's own records and checked with the DfE validation rules before download.

The rules run in the validator's own environment, as a separate process (see `cin_check.py`).
Only codes from the census code lists are written; a missing code is left out, so the validator
reports it against the child and the field rather than the return carrying a guess. Each child's
record is one CINdetails group: its single assessments (with the factors identified at their end)
and child in need plan dates, its section 47 enquiries and its child protection plan.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from joinedup.errors import ApplicationError
from joinedup.protection import codes, deadlines
from joinedup.protection.models import (
    ChildProtectionPlan,
    Conference,
    EnquiryOutcome,
    ProtectionCase,
    SingleAssessment,
)
from joinedup.protection.services import latest_category

CHECKER = Path(__file__).with_name("cin_check.py")
VALIDATOR_SECONDS = 300


@dataclass(frozen=True)
class ReportingYear:
    """A census year, named by the year it ends in: 2026 is 1 April 2025 to 31 March 2026."""

    ends: int

    @property
    def start(self) -> date:
        return date(self.ends - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.ends, 3, 31)

    @property
    def ruleset(self) -> str:
        return f"cin{self.ends - 1}_{self.ends % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def reporting_year(ends: Any, today: date | None = None) -> ReportingYear:
    """Refuses a year that has not ended: its return would miss what is still to happen."""
    try:
        year = ReportingYear(int(ends))
    except (TypeError, ValueError):
        raise ApplicationError(
            "Enter the year the census year ends in, like 2026.", field="year"
        ) from None
    if year.ends < 2010 or year.ends > 9999:
        raise ApplicationError("Enter a census year from 2010 onwards.", field="year")
    if year.end >= (today or timezone.localdate()):
        raise ApplicationError(f"The census year {year.label} has not ended yet.", field="year")
    return year


def _cases(year: ReportingYear) -> list[ProtectionCase]:
    """Every child-protection record open at some point in the year."""
    return list(
        ProtectionCase.objects.filter(referral_date__lte=year.end)
        .exclude(closed_on__lt=year.start)
        .select_related("child")
        .prefetch_related(
            "strategies", "enquiries__strategy", "conferences", "assessments", "cin_plans"
        )
        .order_by("child__reference", "referral_date", "pk")
    )


def child_id(case: ProtectionCase) -> str:
    """The LA child ID: the person's reference without its hyphen (the census allows letters and
    digits only, at most 20)."""
    return case.child.reference.replace("-", "")[:20]


def _add(parent: ET.Element, tag: str, value: Any) -> None:
    if value in (None, ""):
        return
    ET.SubElement(parent, tag).text = value.isoformat() if isinstance(value, date) else str(value)


def build_xml(year: ReportingYear, la_code: str) -> tuple[bytes, list[ProtectionCase]]:
    if not (la_code.isdigit() and len(la_code) == 3):
        raise ApplicationError("Enter the local authority's three-digit DfE code.", field="la_code")
    root = ET.Element("Message")
    header = ET.SubElement(root, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", year.ends)
    _add(details, "ReferenceDate", year.end)
    source = ET.SubElement(header, "Source")
    for tag, value in (
        ("SourceLevel", "L"),
        ("LEA", la_code),
        ("SoftwareCode", "joinedup"),
        ("Release", version("joinedup")),
        ("SerialNo", "1"),
        ("DateTime", timezone.localtime().replace(microsecond=0, tzinfo=None).isoformat()),
    ):
        _add(source, tag, value)
    children = ET.SubElement(root, "Children")
    cases = _cases(year)
    by_child: dict[int, list[ProtectionCase]] = {}
    for case in cases:
        by_child.setdefault(case.child_id, []).append(case)
    for child_cases in by_child.values():
        children.append(_child(year, child_cases))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), cases


def _child(year: ReportingYear, cases: list[ProtectionCase]) -> ET.Element:
    case = cases[-1]
    person = case.child
    child = ET.Element("Child")
    ids = ET.SubElement(child, "ChildIdentifiers")
    _add(ids, "LAchildID", child_id(case))
    _add(ids, "UPN", person.upn)
    _add(ids, "PersonBirthDate", person.date_of_birth)
    # The census's sex item: M or F where recorded, otherwise U (not known or not recorded).
    _add(ids, "Sex", codes.SEX.get(person.sex, "U"))
    characteristics = ET.SubElement(child, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", case.ethnicity)
    if case.disabilities:
        disabilities = ET.SubElement(characteristics, "Disabilities")
        for code in case.disabilities:
            _add(disabilities, "Disability", code)
    for number, each in enumerate(cases):
        child.append(_cin_details(year, each, previous_plans=_plans_before(cases[:number])))
    return child


def _plans_before(cases: list[ProtectionCase]) -> int:
    return ChildProtectionPlan.objects.filter(case__in=cases).count()


def _cin_details(year: ReportingYear, case: ProtectionCase, previous_plans: int) -> ET.Element:
    details = ET.Element("CINdetails")
    _add(details, "CINreferralDate", case.referral_date)
    _add(details, "ReferralSource", case.referral_source)
    _add(details, "PrimaryNeedCode", case.primary_need)
    if case.closed_on and case.closed_on <= year.end:
        _add(details, "CINclosureDate", case.closed_on)
        _add(details, "ReasonForClosure", case.closure_reason)
    _add(details, "ReferralNFA", "false")
    for assessment in case.assessments.all():
        if _in_year(year, assessment.started_on, assessment.authorised_on):
            details.append(_assessment(year, assessment))
    for cin_plan in case.cin_plans.all():
        if _in_year(year, cin_plan.started_on, cin_plan.ended_on):
            dates = ET.SubElement(details, "CINPlanDates")
            _add(dates, "CINPlanStartDate", cin_plan.started_on)
            if cin_plan.ended_on and cin_plan.ended_on <= year.end:
                _add(dates, "CINPlanEndDate", cin_plan.ended_on)
    calendar = deadlines.working_calendar()
    initial = next((c for c in case.conferences.all() if c.kind == Conference.Kind.INITIAL), None)
    for enquiry in case.enquiries.all():
        if enquiry.started_on > year.end:
            continue
        s47 = ET.SubElement(details, "Section47")
        _add(s47, "S47ActualStartDate", enquiry.started_on)
        _add(s47, "InitialCPCtarget", deadlines.icpc_due(calendar, enquiry.strategy.held_on))
        held = initial is not None and initial.held_on <= year.end
        if enquiry.outcome == EnquiryOutcome.CONFERENCE and held:
            _add(s47, "DateOfInitialCPC", initial.held_on)  # type: ignore[union-attr]
        completed = enquiry.completed_on is not None and enquiry.completed_on <= year.end
        not_required = completed and enquiry.outcome != EnquiryOutcome.CONFERENCE
        _add(s47, "ICPCnotRequired", "true" if not_required else "false")
    plan = getattr(case, "plan", None)
    if plan is not None and plan.started_on <= year.end:
        details.append(_plan(year, plan, previous_plans))
    return details


def _in_year(year: ReportingYear, started: date, ended: date | None) -> bool:
    """Open at some point in the year: started by its end, not ended before its start."""
    return started <= year.end and (ended is None or ended >= year.start)


def _assessment(year: ReportingYear, assessment: SingleAssessment) -> ET.Element:
    """Authorised after the year ended, the assessment was still under way at its end: returned
    without the authorisation and its factors, which belong to the next year's return."""
    element = ET.Element("Assessments")
    _add(element, "AssessmentActualStartDate", assessment.started_on)
    authorised = assessment.authorised_on
    if authorised is not None and authorised <= year.end:
        _add(element, "AssessmentAuthorisationDate", authorised)
        factors = ET.SubElement(element, "FactorsIdentifiedAtAssessment")
        for code in assessment.factors:
            _add(factors, "AssessmentFactors", code)
    return element


def _plan(year: ReportingYear, plan: ChildProtectionPlan, previous: int) -> ET.Element:
    element = ET.Element("ChildProtectionPlans")
    _add(element, "CPPstartDate", plan.started_on)
    if plan.ended_on and plan.ended_on <= year.end:
        _add(element, "CPPendDate", plan.ended_on)
    _add(element, "InitialCategoryOfAbuse", plan.category)
    _add(element, "LatestCategoryOfAbuse", latest_category(plan))
    _add(element, "NumberOfPreviousCPP", previous)
    reviews = ET.SubElement(element, "Reviews")
    for review in plan.case.conferences.all():
        if review.kind == Conference.Kind.REVIEW and year.start <= review.held_on <= year.end:
            _add(reviews, "CPPreviewDate", review.held_on)
    return element


# --- Validation with the DfE rules -----------------------------------------------------------


@dataclass
class Failure:
    child: str
    rule: str
    kind: str
    table: str
    field: str
    value: str
    message: str


@dataclass
class CheckedReturn:
    year: ReportingYear
    xml: bytes
    failures: list[Failure] = field(default_factory=list)
    children: int = 0

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.kind == "error"]

    @property
    def queries(self) -> list[Failure]:
        return [f for f in self.failures if f.kind != "error"]

    @property
    def valid(self) -> bool:
        return not self.errors


def validator_python() -> Path:
    return Path(settings.JOINEDUP_CIN_PYTHON)


def validate(year: ReportingYear, xml: bytes) -> list[Failure]:
    python = validator_python()
    if not python.exists():
        raise ApplicationError(
            "The DfE census validator is not installed here (run make install), so the return "
            "cannot be checked.",
            field="year",
            status=503,
        )
    try:
        done = subprocess.run(  # noqa: S603 (a fixed interpreter and script; no shell)
            [str(python), "-I", str(CHECKER), year.ruleset],
            input=xml,
            capture_output=True,
            timeout=VALIDATOR_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ApplicationError("The census validator took too long.", status=503) from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        if "No module named 'cin_validator.rules." in tail[0]:
            raise ApplicationError(
                f"The census validator has no rules for {year.label}.", field="year"
            )
        raise ApplicationError(f"The census validator failed: {tail[0]}", status=503)
    return [Failure(**row) for row in json.loads(done.stdout)]
