"""Business operations: every write of the domain goes through a function here.

The browser, the API, the admin, the tasks and the management commands call these; none of them
re-implements a rule.
"""
