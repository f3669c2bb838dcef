"""Real local peers for the tests and the benchmarks: a webhook receiver and an SMTP sink on 127.0.0.1.

Kept apart from the application (never deployed) and from the tests (which the benchmarks must not
import).
"""
