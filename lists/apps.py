from django.apps import AppConfig


class ListsConfig(AppConfig):
    """Lists of people delivered through a channel, and their matching against the registry."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "lists"
    verbose_name = "Lists"

    def ready(self):
        # Register the Celery tasks in every process (web too), so work handed over by name finds them.
        # The demo scenario includes the Moscow list and the list handed back (lists.demo).
        from cases.demo.seed import demo_seeded
        from lists import tasks  # noqa: F401
        from lists.demo import demo_lists_seed

        demo_seeded.connect(demo_lists_seed, dispatch_uid="lists-demo")
