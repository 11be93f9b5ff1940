"""
The demo content `make run` loads on a fresh database. Each app's `demo.py`
registers what it contributes; `setup_site` loads them all, in the order of
INSTALLED_APPS (an app's demo may use the content of an app listed before it).
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.plugins import Registry


@dataclass(frozen=True)
class Demo:
    """One app's demo content."""

    app: str  # the module that registered it, e.g. "blog.demo"
    has_content: Callable[[], bool]  # whether the app already holds content of its own
    load: Callable[..., str]  # load(author=user) creates it and returns a one-line summary


_demos = Registry[Demo]("demo", key=lambda demo: demo.app)


def register(*, has_content: Callable[[], bool], load: Callable[..., str]) -> Demo:
    """Add an app's demo content (its module's `has_content` and `load`); returns it."""
    return _demos.register(Demo(app=load.__module__, has_content=has_content, load=load))


def demos() -> list[Demo]:
    """Every app's demo content, in the order of INSTALLED_APPS."""
    return list(_demos)


# --- the portal's own: who runs the site -------------------------------------------------


def _has_profile() -> bool:
    from portal.models import Profile

    return Profile.objects.exists()


def _avatar(initials: str):
    """A round picture with the initials, standing in for the organizer's photo."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (320, 320), "#0b5cad")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=140)
    draw.text((160, 160), initials, fill="#ffffff", font=font, anchor="mm")
    output = io.BytesIO()
    image.save(output, "PNG")
    return ContentFile(output.getvalue(), name="demo-avatar.png")


def load_profile(*, author) -> str:
    from django.conf import settings

    from portal.models import Profile

    name = settings.SITE_AUTHOR
    profile = Profile(
        name=name,
        bio="I build **distributed systems**, speak about them at conferences and run a "
        "paper club where we read one classic and one new paper every other Tuesday.",
        email=author.email or "",
        photo_description=f"The initials of {name}",
    )
    profile.photo.save("avatar.png", _avatar("".join(word[0] for word in name.split()[:2])))
    profile.save()
    profile.links.create(label="Mastodon", url="https://mastodon.social/@example", position=1)
    profile.links.create(label="GitHub", url="https://github.com/example", position=2)
    return "a profile on the home page (photo, bio, two links)"


register(has_content=_has_profile, load=load_profile)
