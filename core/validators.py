"""Validators the models share."""

import unicodedata

from django.core.exceptions import ValidationError


def no_control_characters(value: str) -> None:
    """A name is one line of text: a CR/LF in a full_name broke the alert email's subject (the
    delivery was retried for three days and died), and other control characters hide in plain sight."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError("Control characters (line breaks, tabs, NUL...) are not allowed here.")
