"""
What the admin login answers once django-axes has locked an account or an
address: the login page itself, with the reason on top, as 429 Too Many Requests.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.template.response import TemplateResponse

LOCKED_OUT_MESSAGE = (
    "Too many failed login attempts for this account or from this address: "
    "logging in is blocked for {minutes} minutes. An administrator can lift the block sooner."
)


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LOCKED_OUT_MESSAGE.format(minutes=minutes)


def lockout_response(request, original_response=None, credentials=None):
    """The login page with the lockout message (settings.AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", "") or request.GET.get("next", ""),
        "lockout_message": locked_out_message(),
    }
    return TemplateResponse(
        request, "admin/login_locked.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    ).render()
