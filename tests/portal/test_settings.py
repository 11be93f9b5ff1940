import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HTTPS"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "talks.example.org",
    "SITE_URL": "https://talks.example.org",
    "HTTPS": "true",
    "EMAIL_URL": "smtp+tls://club:secret@smtp.example.org:587",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_deploy_check_passes_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_without_https():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "HTTPS": "false"}
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_missing_secret_key_is_a_clear_error_not_a_traceback():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.django_db
def test_content_security_policy_allows_no_inline_script(client):
    directives = csp_directives(client.get("/"))
    # Our own files only: public pages carry no inline script, so no nonce either.
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_structured_data_needs_no_nonce_so_the_page_is_the_same_for_everyone(client, make_post):
    post = make_post()
    response = client.get(post.get_absolute_url())
    # A JSON-LD block is data, which browsers never run: the policy does not apply to it.
    assert '<script type="application/ld+json">' in response.text
    assert "nonce" not in response.text
    assert "'nonce-" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
