from core.models import User


def unread_notifications(request):
    """The unread count in the navigation bar (one indexed count per page), for signed-in people.

    Partners have no notifications: a partner token can render an HTML page (the API docs).
    """
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count()}
