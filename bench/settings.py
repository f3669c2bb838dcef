"""The app's settings, with the benchmark's comparison views mounted (bench/urls.py)."""

from hostage_tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
