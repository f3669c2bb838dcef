import time

from django.core.management.base import BaseCommand

from alerts.tasks import alerts_sweep


class Command(BaseCommand):
    help = (
        "Run the alert sweep once (or, with --loop, every ALERT_SWEEP_SECONDS). Celery beat runs it in "
        "production; `make run` without Redis runs this loop, with tasks in-process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")

    def handle(self, *args, loop: bool, **options):
        from django.conf import settings

        while True:
            alerts_sweep.apply()
            if not loop:
                return
            time.sleep(settings.ALERT_SWEEP_SECONDS)
