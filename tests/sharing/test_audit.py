from __future__ import annotations

import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from joinedup.audit import services as audit
from joinedup.audit.models import AccessEvent, AccessEventPerson, AuditTrailImmutable
from tests import factories

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list) -> None:
    """Change a row behind the ORM's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # bypass the trigger
        cursor.execute(sql, params)


def test_events_form_a_chain(teacher, child):
    events = list(AccessEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert audit.verify().ok


def test_event_records_who_what_and_whom(teacher, child):
    event = audit.record(
        actor=teacher,
        action="view",
        obj=child,
        persons=[child],
        purpose="casework",
        lawful_basis="test basis",
    )
    assert event.organisation_id == teacher.organisation_id
    assert event.object_type == "people.person" and event.object_id == str(child.pk)
    assert AccessEventPerson.objects.filter(event=event, person_id=child.pk).exists()


def test_the_orm_refuses_to_change_or_delete_events(teacher):
    event = audit.record(actor=teacher, action="view", object_type="x")
    event.purpose = "changed"
    with pytest.raises(AuditTrailImmutable):
        event.save()
    with pytest.raises(AuditTrailImmutable):
        event.delete()
    with pytest.raises(AuditTrailImmutable):
        AccessEvent.objects.filter(pk=event.pk).update(purpose="changed")
    with pytest.raises(AuditTrailImmutable):
        AccessEvent.objects.all().delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_changes_even_in_raw_sql(teacher):
    event = audit.record(actor=teacher, action="view", object_type="x")
    for sql in (
        "UPDATE audit_accessevent SET purpose = 'x' WHERE id = %s",
        "DELETE FROM audit_accessevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk, purpose="").exists()


def test_tampered_content_is_detected_and_named(teacher, child):
    for _ in range(3):
        audit.record(actor=teacher, action="view", obj=child, persons=[child])
    target = AccessEvent.objects.order_by("seq")[1]
    _tamper("UPDATE audit_accessevent SET purpose = 'nothing to see' WHERE id = %s", [target.pk])
    report = audit.verify()
    assert not report.ok and report.broken_seq == target.seq
    assert "hash" in report.reason
    with pytest.raises(CommandError, match=f"broken at event {target.seq}"):
        call_command("check_audit")


def test_a_removed_event_is_detected(teacher):
    for _ in range(4):
        audit.record(actor=teacher, action="view", object_type="x")
    target = AccessEvent.objects.order_by("seq")[2]
    _tamper("DELETE FROM audit_accessevent WHERE id = %s", [target.pk])
    report = audit.verify()
    assert not report.ok and report.broken_seq == target.seq


def test_removing_the_newest_events_is_detected(teacher):
    for _ in range(3):
        audit.record(actor=teacher, action="view", object_type="x")
    newest = AccessEvent.objects.order_by("-seq").first()
    _tamper("DELETE FROM audit_accessevent WHERE id = %s", [newest.pk])
    assert not audit.verify().ok


def test_check_audit_reports_an_intact_chain(teacher, capsys):
    audit.record(actor=teacher, action="view", object_type="x")
    call_command("check_audit")
    assert "intact" in capsys.readouterr().out


def test_a_rolled_back_write_leaves_no_event_and_no_gap(teacher):
    audit.record(actor=teacher, action="view", object_type="before")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=teacher, action="create", object_type="rolled-back")
        raise RuntimeError
    audit.record(actor=teacher, action="view", object_type="after")
    assert not AccessEvent.objects.filter(object_type="rolled-back").exists()
    assert audit.verify().ok


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_many_writers_at_once_keep_the_chain_valid():
    org = factories.organisation()
    users = [factories.practitioner(org) for _ in range(8)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(users))

    def write(user):
        try:
            barrier.wait()
            for _ in range(25):
                with transaction.atomic():
                    audit.record(actor=user, action="view", object_type="concurrency")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AccessEvent.objects.filter(object_type="concurrency").count() == 200
    report = audit.verify()
    assert report.ok, report
