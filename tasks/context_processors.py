from tasks.models import Notification


def notifications(request) -> dict:
    """The bell's unread count (one query, only for people who are logged in). Counted once a
    request: a table rendered with ``{% render_table %}`` runs the context processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "unread_notifications"):
        request.unread_notifications = Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count()
    return {"unread_notifications": request.unread_notifications}
