"""The Celery application: Redis broker, tasks discovered from the apps.

A worker also writes a heartbeat to Redis every few seconds so `/healthz` can tell whether any
worker is alive without a slow broadcast ping.
"""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostage_tracker.settings")

logger = logging.getLogger(__name__)
app = Celery("hostage_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def start(self, worker):
        from core.health import WORKER_HEARTBEAT_INTERVAL

        self._beat()
        self.tref = worker.timer.call_repeatedly(WORKER_HEARTBEAT_INTERVAL, self._beat)

    def stop(self, worker):
        if getattr(self, "tref", None) is not None:
            self.tref.cancel()

    def _beat(self):
        from core.health import worker_heartbeat_write

        try:
            worker_heartbeat_write()
        except Exception as exc:  # noqa: BLE001 - a missed beat only makes /healthz say "degraded"
            logger.warning("worker heartbeat not written: %s", exc)


app.steps["worker"].add(WorkerHeartbeat)
