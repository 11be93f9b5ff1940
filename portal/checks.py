"""System checks of the operations settings (`manage.py check --deploy`)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_metrics(app_configs=None, **kwargs):
    if not settings.METRICS_ENABLED:
        return []
    from portal.metrics import allowed_networks

    problems = []
    try:
        networks = allowed_networks()
    except ValueError as error:
        return [Error(f"METRICS_ALLOWED_IPS: {error}.", id="portal.E001")]
    if not settings.METRICS_TOKEN and not networks:
        problems.append(
            Warning(
                "METRICS_ENABLED is on but /metrics answers nobody.",
                hint="Set METRICS_TOKEN (a bearer token for the scraper) or METRICS_ALLOWED_IPS.",
                id="portal.W001",
            )
        )
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and not Path(folder).is_dir():
        problems.append(
            Error(
                f"PROMETHEUS_MULTIPROC_DIR ({folder}) is not a folder.",
                hint="Create it (empty) before the app servers start.",
                id="portal.E002",
            )
        )
    return problems
