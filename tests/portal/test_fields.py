"""Every web address a model stores is guarded twice: by its form field and by the database."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from portal.fields import WEB_URL_MESSAGE, WebURLField

WEB_URL_FIELDS = [
    (model, field)
    for model in apps.get_models()
    for field in model._meta.get_fields()
    if isinstance(field, WebURLField)
]


def _constraint(model, field):
    """The constraint web_url_constraint() made for `field`, or None."""
    suffix = f"_{field.name}_http"
    return next((c for c in model._meta.constraints if c.name.endswith(suffix)), None)


def test_the_models_have_web_address_fields():
    assert len(WEB_URL_FIELDS) >= 12


@pytest.mark.parametrize(
    ("model", "field"),
    WEB_URL_FIELDS,
    ids=[f"{model._meta.label}.{field.name}" for model, field in WEB_URL_FIELDS],
)
def test_every_web_address_field_has_its_database_constraint(db, model, field):
    constraint = _constraint(model, field)
    assert constraint is not None, f"no http(s) constraint on {model._meta.label}.{field.name}"
    assert constraint.violation_error_message == WEB_URL_MESSAGE

    for address in ["", "http://example.org/", "HTTPS://example.org/paper.pdf"]:
        constraint.validate(model, model(**{field.name: address}))
    for address in ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/"]:
        with pytest.raises(ValidationError) as error:
            constraint.validate(model, model(**{field.name: address}))
        assert error.value.messages == [WEB_URL_MESSAGE]
