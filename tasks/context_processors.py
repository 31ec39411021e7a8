from tasks.models import Notification


def notifications(request) -> dict:
    """The bell's unread count (one query, only for people who are logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count()
    }
