"""What the migrations that move a model from one app to another share."""


def content_types_mover(*, models: tuple[str, ...], source: str, target: str):
    """RunPython's forward and backward functions that relabel the moved models' content
    types. The rows stay (with the permissions and admin log entries pointing at them)
    instead of being left stale beside new ones."""

    def move(apps, from_app, to_app):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=to_app, model=model).exists():
                ContentType.objects.filter(app_label=from_app, model=model).update(app_label=to_app)

    def forward(apps, schema_editor):
        move(apps, source, target)

    def backward(apps, schema_editor):
        move(apps, target, source)

    return forward, backward
