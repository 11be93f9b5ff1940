from django import forms
from django.db import models

from talks.validators import WebURLValidator


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
