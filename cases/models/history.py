"""What every historical record (django-simple-history) carries besides the user: the API token."""

from django.db import models


class TokenAttributedHistory(models.Model):
    """Base of the historical models: a change made through the API names the token that made it."""

    history_api_token = models.ForeignKey(
        "cases.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )

    class Meta:
        abstract = True
