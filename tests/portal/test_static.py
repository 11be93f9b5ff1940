import re

import pytest
from django.core.management import call_command
from django.test import override_settings

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.django_db
def test_static_files_have_hashed_names_compression_and_far_future_caching(tmp_path, client):
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
        from whitenoise.middleware import WhiteNoiseMiddleware

        page = client.get("/").text
        stylesheet = re.search(r'href="(/static/portal/site\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page should link the hashed stylesheet"
        assert (tmp_path / "static" / stylesheet.group(1).removeprefix("/static/")).exists()
        assert (
            tmp_path / "static" / (stylesheet.group(1).removeprefix("/static/") + ".gz")
        ).exists()

        # A fresh WhiteNoise instance sees the files collected above.
        served = WhiteNoiseMiddleware(lambda request: None)
        served.add_files(str(tmp_path / "static"), prefix="static/")
        static_file = served.files[stylesheet.group(1)]
        headers = dict(static_file.get_response("GET", {"HTTP_ACCEPT_ENCODING": "gzip"}).headers)
        assert "max-age=315360000" in headers["Cache-Control"]
        assert "immutable" in headers["Cache-Control"]
        assert headers["Content-Encoding"] == "gzip"
