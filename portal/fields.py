"""Model and form fields every app shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible


@deconstructible
class WebURLValidator(URLValidator):
    """
    A web address: http or https only. A `javascript:` or `data:` link would run
    in the visitor's browser under our origin, and `ftp:` links no longer open
    anywhere, so both are refused with the reason rather than "Enter a valid URL".
    """

    schemes = ["http", "https"]

    def __call__(self, value):
        scheme, separator, _ = str(value).partition(":")
        if not separator or scheme.lower() not in self.schemes:
            shown = f"“{scheme}:” addresses are" if separator and scheme else "This is"
            raise ValidationError(
                "%(shown)s not allowed here: enter a web address starting with "
                "http:// or https://.",
                code="scheme",
                params={"shown": shown, "value": value},
            )
        super().__call__(value)


validate_web_url = WebURLValidator()


class WebURLFormField(forms.URLField):
    default_validators = [WebURLValidator()]


class WebURLField(models.URLField):
    """A URL field that takes http(s) addresses only, in forms and in full_clean()."""

    default_validators = [WebURLValidator()]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebURLFormField, **kwargs})
