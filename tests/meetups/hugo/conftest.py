import pytest


@pytest.fixture(autouse=True)
def _no_paper_lookup(settings):
    """No test reaches the internet: the tests that want the lookup point it at loopback."""
    settings.PAPER_LOOKUP = False
