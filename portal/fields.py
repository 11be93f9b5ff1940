"""Model and form fields every app shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

WEB_URL_MESSAGE = "Only http:// and https:// addresses can be stored here."


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


def web_url_constraint(field: str, *, prefix: str) -> models.CheckConstraint:
    """
    The database's guard behind the WebURLField `field` (rows written by code skip
    full_clean()): empty or an http(s) address. Named “<prefix>_<field>_http”; every
    WebURLField of a model needs one in its Meta.constraints.
    """
    return models.CheckConstraint(
        condition=Q(**{field: ""})
        | Q(**{f"{field}__istartswith": "http://"})
        | Q(**{f"{field}__istartswith": "https://"}),
        name=f"{prefix}_{field}_http",
        violation_error_message=WEB_URL_MESSAGE,
    )
