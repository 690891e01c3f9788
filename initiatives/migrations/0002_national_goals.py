from django.db import migrations

from initiatives.national_goals import ensure_national_goals


def create_goals(apps, schema_editor):
    ensure_national_goals(apps.get_model("initiatives", "NationalGoal"))


def remove_goals(apps, schema_editor):
    apps.get_model("initiatives", "NationalGoal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(create_goals, remove_goals)]
