from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def feed_epoch_ensure(sender, using: str = "default", **kwargs) -> None:
    """Give the cluster the database now lives on its feed offset, in a transaction of its own.

    After a restore onto a new server, `migrate` (which every way of starting the app runs) does
    this before the first write, so concurrent first writers never wait on one another for it.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql" or "alerts_feedepoch" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT alerts_feed_epoch_ensure()")


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        post_migrate.connect(feed_epoch_ensure, sender=self)
        # Register the Celery tasks in every process (web too), so work handed over by name finds them.
        from alerts import tasks  # noqa: F401
