"""Signed links as the club's emails carry them, for tests that start from a link."""

import base64

from django.core import signing

from meetups.mailing import tokens
from meetups.models import Subscription


def readable_part(token: str) -> str:
    """What anyone can read of a signed token: its payload, base64 without the signature."""
    payload = token.split(":")[0].lstrip(".")
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode(errors="replace")


def manage_token_of(email: str) -> str:
    """The manage link's token in an email to `email` (a subscription of it must exist)."""
    return tokens.manage_token(subscription_id=Subscription.objects.filter(email=email).first().pk)


def unsubscribe_token_of(series, email: str) -> str:
    subscription = Subscription.objects.get(series=series, email=email)
    return tokens.unsubscribe_token(subscription_id=subscription.pk)


def confirm_token_of(series, email: str) -> str:
    subscription = Subscription.objects.get(series=series, email=email)
    return tokens.confirm_token(subscription_id=subscription.pk)


# Links mailed before links became opaque carried the address itself; they still work.


def legacy_manage_token(email: str) -> str:
    return signing.dumps({"e": email}, salt=tokens.MANAGE_SALT)


def legacy_unsubscribe_token(*, series_id: int, email: str) -> str:
    return signing.dumps({"s": series_id, "e": email}, salt=tokens.UNSUBSCRIBE_SALT)


def legacy_confirm_token(*, series_id: int, email: str, issued_at: int) -> str:
    return signing.dumps({"s": series_id, "e": email, "t": issued_at}, salt=tokens.CONFIRM_SALT)
