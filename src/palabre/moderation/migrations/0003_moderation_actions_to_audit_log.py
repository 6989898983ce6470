"""Copy the moderation actions taken before the audit log existed into it, so that the
administrators' audit log shows every moderation action. The role held at the time is not
known for these: it stays empty."""

from django.db import migrations

KINDS = {
    "hide": "contribution_hide",
    "restore": "contribution_restore",
    "dismiss": "reports_dismiss",
    "release": "contribution_release",
}


def forwards(apps, schema_editor):
    ModerationAction = apps.get_model("moderation", "ModerationAction")
    AuditEvent = apps.get_model("organizations", "AuditEvent")
    actions = ModerationAction.objects.select_related("contribution__process").order_by("pk")
    batch = []
    for action in actions.iterator(chunk_size=2000):
        process = action.contribution.process
        batch.append(
            AuditEvent(
                organization_id=process.organization_id,
                actor_id=action.moderator_id,
                actor_role="",
                action=KINDS[action.kind],
                target_type="contributions.contribution",
                target_id=action.contribution_id,
                target_label=process.title[:200],
                new={"reason": action.reason} if action.reason else None,
                created_at=action.created_at,
            )
        )
        if len(batch) >= 2000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    AuditEvent = apps.get_model("organizations", "AuditEvent")
    AuditEvent.objects.filter(action__in=KINDS.values(), actor_role="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_alter_moderationaction_kind"),
        ("organizations", "0004_auditevent"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
