"""The address a request came from, read the same way everywhere (rate limits, login lockout)."""

from django.conf import settings


def client_ip(request) -> str:
    """
    The visitor's address. Behind the TLS-terminating proxy (HTTPS=true) that is
    the last entry of X-Forwarded-For, the one our proxy appended; the others
    come from the client and prove nothing.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
