"""Helpers that turn a choices class into a database CHECK constraint."""

from django.db import models


def choice_check(
    field: str, choices: type[models.TextChoices], name: str, *, nullable: bool = False, blank: bool = False
):
    condition = models.Q(**{f"{field}__in": [*choices.values, *([""] if blank else [])]})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def not_blank(field: str, name: str):
    return models.CheckConstraint(condition=~models.Q(**{field: ""}), name=name)
