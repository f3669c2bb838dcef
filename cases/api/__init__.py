"""REST API v1: a thin interface over the services and selectors."""
