"""Form fields for the API's query parameters, each taking exactly the values its OpenAPI
schema (alongside) allows and refusing the rest, so that the schema and the API agree.

The portal's own list pages are lenient with what a person types (31.12.2025 for a
date, a page number with spaces around it); a client generated from the schema sends
what the schema says, and gets 400 naming the parameter for anything else.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models

from ilag.validators import only_digits, validate_sensible_date, validate_sensible_year

# For a parameter given with no value: Django's own wording, and its bokmål.
BLANK_MESSAGE = models.Field.default_error_messages["blank"]

# JSON Schema (OpenAPI 3.0) of each field's values. A pattern's \d is ASCII in the
# schema's regex dialect (ECMA 262), as the fields below require. The date pattern holds
# the years FIRST_YEAR-LAST_YEAR (ilag.validators): 1900-2100.
DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": r"^(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
}
WHOLE_NUMBER_SCHEMA = {"type": "integer", "minimum": 1}
SLUG_SCHEMA = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
# Free text: anything but the NUL character, which Django's CharField refuses (and
# PostgreSQL cannot store or compare).
TEXT_SCHEMA = {"type": "string", "pattern": r"^[^\u0000]*$"}

ISO_DATE = re.compile(r"(?P<year>[0-9]{4,})-[0-9]{2}-[0-9]{2}")


class IsoDateField(forms.DateField):
    """A date as YYYY-MM-DD in the years 1900-2100 (ISO 8601, as the API writes dates);
    a year outside them gets the portal's message about the years."""

    input_formats = ["%Y-%m-%d"]
    default_validators = [validate_sensible_date]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            # strptime would also take 2025-1-5 and surrounding spaces, and cannot read a
            # five-digit year, which is just as much outside the years.
            match = ISO_DATE.fullmatch(value)
            if not match:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            validate_sensible_year(int(match["year"]))
        return super().to_python(value)


class WholeNumberField(forms.IntegerField):
    """A whole number from 1, in the digits 0-9 only (no sign, decimals or spaces)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not only_digits(str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class SlugValueField(forms.CharField):
    """A short address (slug) as it is: letters a-z, digits, hyphens and underscores."""

    default_validators = [validate_slug]

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)
