"""One job system: tasks run inline in tests, and are stored for a worker with the database
backend (the embedded default)."""

import pytest
from django.core import mail
from django.test import override_settings

from palabre.organizations.models import Membership
from palabre.organizations.roles import Role
from palabre.organizations.tasks import send_membership_granted_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_immediate_backend_runs_the_task(org_a):
    user = UserFactory(email="role@exemple.fr")
    membership = Membership.objects.create(organization=org_a, user=user, role=Role.MODERATOR)
    result = send_membership_granted_email.enqueue(membership.pk)
    assert result.status == "SUCCESSFUL"
    assert mail.outbox[0].to == ["role@exemple.fr"]
    assert "Modérateur·rice" in mail.outbox[0].body


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_database_backend_stores_the_task_for_a_worker(org_a):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    user = UserFactory(email="file@exemple.fr")
    membership = Membership.objects.create(organization=org_a, user=user, role=Role.ANALYST)
    with override_settings(TASKS=DB_TASKS):
        result = send_membership_granted_email.enqueue(membership.pk)
        assert result.status == "READY"
        assert mail.outbox == []
        assert DBTaskResult.objects.filter(id=result.id).exists()
        call_command("db_worker", batch=True, verbosity=0)
        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert mail.outbox[0].to == ["file@exemple.fr"]
