import time

from django.core.management.base import BaseCommand, CommandError

from cases.demo.seed import demo_seed


class Command(BaseCommand):
    help = (
        "Load the fictional demo scenario (channels, partners, detainees and their status history). "
        "Deterministic for a given --seed and idempotent: running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--detainees", type=int, default=230, help="How many people (default 230).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, detainees: int, seed: int, verbosity: int, **options):
        if detainees < 0:
            raise CommandError("--detainees must be zero or more")
        started = time.monotonic()

        def progress(done: int) -> None:
            if verbosity >= 2 or (detainees > 10_000 and verbosity >= 1):
                self.stdout.write(f"  {done}/{detainees} detainees planned")

        report = demo_seed(detainees=detainees, seed=seed, progress=progress)
        self.stdout.write(
            f"Demo scenario (seed {seed}): {report.detainees_created} detainees created, "
            f"{report.detainees_existing} already present, {report.status_changes_created} status changes created, "
            f"{report.channels_created} channels created, in {time.monotonic() - started:.1f} s."
        )
