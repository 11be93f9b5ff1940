from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def unsubscribe_links_use_https(app_configs, **kwargs):
    """RFC 8058 one-click unsubscribe needs an https:// link; mail providers ignore others."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"SITE_URL ({settings.SITE_URL}) is not https://: the club's emails carry "
            "unsubscribe links on it, and mail providers only offer one-click "
            "unsubscribe for https links.",
            hint="Set SITE_URL=https://your.host.",
            id="meetups.W001",
        )
    ]
