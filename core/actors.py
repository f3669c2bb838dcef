"""Who is acting in this request or task: the API token, when there is one.

The user is on the request (and simple-history reads it there); the token is kept here so that
historical records and status changes can name it too.
"""

from contextvars import ContextVar

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

_current_token = ContextVar("current_api_token", default=None)


def set_current_token(token) -> None:
    _current_token.set(token)


def current_token():
    return _current_token.get()


class ActorMiddleware:
    """Forget the previous request's token: a worker thread serves many requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marker = _current_token.set(None)
        try:
            return self.get_response(request)
        finally:
            _current_token.reset(marker)


@receiver(pre_create_historical_record)
def _attribute_token(sender, history_instance, **kwargs):
    token = current_token()
    if token is not None and hasattr(history_instance, "history_api_token_id"):
        history_instance.history_api_token_id = token.pk
