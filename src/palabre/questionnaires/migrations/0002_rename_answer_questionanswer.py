from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    """`Answer` is the glossary's word for the public answer to a proposal (restitution):
    a respondent's answer to a question is a `QuestionAnswer`."""

    dependencies = [
        ("contributions", "0008_coauthorship"),
        ("questionnaires", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RenameModel("Answer", "QuestionAnswer")]
