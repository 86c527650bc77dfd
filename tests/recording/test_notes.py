"""Case notes: recording, visibility under the policy, versions, the chronology."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.chronology.models import ChronologyEntry
from joinedup.errors import ApplicationError, NotFound
from joinedup.recording import selectors, services
from joinedup.recording.models import CaseNote, CaseNoteVersion
from joinedup.sharing import policy
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def visit(actor, **extra):
    fields = {
        "kind": "home_visit",
        "occurred_on": TODAY(),
        "what_happened": "Visited at home. Mia showed me her room.",
        "who_was_seen": "Mia and her mother",
        "child_seen": True,
        "child_seen_alone": True,
        "what_next": "Visit again in two weeks.",
    }
    return services.case_note_record(actor=actor, **{**fields, **extra})


def test_note_takes_the_organisations_default_visibility(fam):
    note = visit(fam.lead, person=fam.child)
    assert note.visibility == "organisation"
    fam.council.default_record_visibility = "team"
    fam.council.save()
    fam.lead.organisation.refresh_from_db()
    assert visit(fam.lead, person=fam.child).visibility == "team"
    assert (
        AccessEvent.objects.filter(object_type="recording.casenote", action="create").count() == 2
    )


def test_visibility_organisation_team_and_outsider(fam, outsider):
    own = visit(fam.lead, person=fam.child)
    shared = visit(fam.lead, person=fam.child, visibility="team")
    # The adviser is in the team around the family, from another organisation.
    seen = set(policy.records_visible_to(fam.adviser, CaseNote, person=fam.child))
    assert seen == {shared}
    assert not policy.record_decision(fam.adviser, own).allowed
    assert policy.record_decision(fam.adviser, shared).allowed
    assert not policy.record_decision(outsider, shared).allowed
    with pytest.raises(NotFound):
        selectors.person_record(user=outsider, person_id=fam.child.pk)


def test_family_sees_only_what_is_shared_with_the_family(fam, mother_user):
    visit(fam.lead, episode=fam.episode, visibility="team")
    for_family = visit(fam.lead, episode=fam.episode, visibility="family")
    assert list(policy.family_records_visible_to(mother_user, CaseNote)) == [for_family]


def test_bad_notes_name_the_field_and_write_nothing(fam):
    cases = [
        ({"kind": "séance"}, "kind"),
        ({"occurred_on": TODAY() + timedelta(days=1)}, "occurred_on"),
        ({"what_happened": "  "}, "what_happened"),
        ({"child_seen": False, "child_seen_alone": True}, "child_seen"),
        ({"visibility": "everyone"}, "visibility"),
    ]
    for change, field in cases:
        with pytest.raises(ApplicationError) as error:
            visit(fam.lead, person=fam.child, **change)
        assert error.value.field == field
    assert not CaseNote.objects.exists()


def test_outsider_may_not_write(fam, outsider):
    with pytest.raises(NotFound):
        visit(outsider, person=fam.child)
    with pytest.raises(NotFound):
        visit(outsider, episode=fam.episode)


def test_edit_keeps_versions_and_only_the_author_edits(fam):
    note = visit(fam.lead, person=fam.child)
    changed = services.case_note_edit(
        actor=fam.lead, note=note, expected_version=1, what_happened="Corrected account."
    )
    assert changed.version == 2 and changed.what_happened == "Corrected account."
    old = CaseNoteVersion.objects.get(note=note)
    assert old.number == 1 and "Mia showed me her room" in old.snapshot["what_happened"]
    with pytest.raises(ApplicationError) as stale:
        services.case_note_edit(actor=fam.lead, note=note, expected_version=1, what_next="x")
    assert stale.value.status == 409
    shared = visit(fam.lead, person=fam.child, visibility="team")
    with pytest.raises(ApplicationError):
        services.case_note_edit(
            actor=fam.adviser, note=shared, expected_version=1, what_happened="Not mine"
        )


def test_significant_note_goes_to_the_chronology(fam):
    visit(fam.lead, episode=fam.episode, significant=True, what_happened="Door not answered.")
    entries = ChronologyEntry.objects.filter(text__contains="Door not answered")
    assert {e.person_id for e in entries} == {fam.child.pk, fam.teen.pk, fam.mother.pk}


def test_notes_have_no_delete(fam):
    # Never deleted except by retention: PROTECT keeps them while the person exists.
    note = visit(fam.lead, person=fam.child)
    assert CaseNote._meta.get_field("person").remote_field.on_delete.__name__ == "PROTECT"
    assert not hasattr(services, "case_note_delete")
    assert CaseNote.objects.filter(pk=note.pk).exists()


def test_episode_record_query_count_is_flat(fam, django_assert_max_num_queries):
    for _ in range(3):
        visit(fam.lead, episode=fam.episode, visibility="team")
    with django_assert_max_num_queries(30) as few:
        selectors.episode_record(user=fam.lead, episode_id=fam.episode.pk)
    for _ in range(10):
        visit(fam.lead, episode=fam.episode, visibility="team")
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.episode_record(user=fam.lead, episode_id=fam.episode.pk)


def test_unrelated_practitioner_of_same_org_without_ground_is_refused(fam):
    colleague = factories.practitioner(factories.organisation(sector="health"))
    with pytest.raises(NotFound):
        selectors.episode_record(user=colleague, episode_id=fam.episode.pk)
