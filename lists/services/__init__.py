"""The writes of delivered lists: receiving and matching one (imports), and what officers decide on
its rows (decisions). The browser, the API, `manage.py import_list` and the worker call these."""
