"""Operations for migrations that move models between apps (issue 22's re-cut)."""

from django.db import migrations


def move_content_types(models: list[str], *, source: str, target: str) -> migrations.RunPython:
    """Moved models keep their content types, and so their permissions and admin log."""

    def move(apps, schema_editor, source=source, target=target):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=target, model=model).exists():
                ContentType.objects.filter(app_label=source, model=model).update(app_label=target)

    def back(apps, schema_editor):
        move(apps, schema_editor, source=target, target=source)

    return migrations.RunPython(move, back)
