import pytest
from django.core.management import call_command

from tests.helpers.urls import demo_values


@pytest.fixture
def demo_site(settings, tmp_path):
    """
    The demo content, and one real value for each URL parameter: by pattern name,
    and under "*" those every pattern shares (tests.helpers.urls.demo_values).
    """
    settings.VAR_DIR = tmp_path
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return demo_values()
