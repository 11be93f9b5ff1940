"""
The admin login resists guessing: after a few wrong passwords the account and the
address are locked, in the database every app server shares, until the lock runs
out or an administrator lifts it.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from portal.login_protection import locked_out_message
from tests.helpers.operator import AppServer, Browser, child_env, manage

LOGIN = "/admin/login/"
PASSWORD = "organizer-password"
LOCKED = "Too many failed login attempts"


def log_in(client, password, *, username="organizer", **request):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **request
    )


def guess_wrong(client, times, **request):
    return [log_in(client, f"guess-{n}", **request).status_code for n in range(times)]


@pytest.mark.django_db
def test_twenty_wrong_passwords_lock_the_account_even_for_the_right_password(
    client, organizer, settings
):
    statuses = guess_wrong(client, 20)

    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, "enter a correct …"
    assert set(statuses[limit:]) == {429}
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    page = response.text
    assert LOCKED in page and "30 minutes" in page
    assert 'id="login-form"' in page  # the login page itself, with the reason on top
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_covers_the_account_from_anywhere_and_the_address_for_any_account(
    client, organizer, django_user_model
):
    django_user_model.objects.create_superuser("second", "second@example.org", "second-pass")
    guess_wrong(client, 20, REMOTE_ADDR="203.0.113.7")

    # The account, from another address.
    assert log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 429
    # The address, for another account.
    response = log_in(client, "second-pass", username="second", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    # Another account from another address is not concerned.
    response = log_in(client, "second-pass", username="second", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(client, organizer, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        # An attacker varies the entries it writes itself; the proxy appends the real one.
        log_in(
            client,
            f"guess-{n}",
            username=f"nobody-{n}",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 192.0.2.50",
            **proxy,
        )

    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.50", **proxy)
    assert response.status_code == 429
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.51", **proxy)
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_runs_out_after_the_cool_off(client, organizer, settings):
    guess_wrong(client, settings.AXES_FAILURE_LIMIT)
    assert log_in(client, PASSWORD).status_code == 429

    # Failures older than the cool-off no longer count.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert log_in(client, PASSWORD).status_code == 302


def test_the_message_names_the_configured_lockout_time(settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=90)
    assert "90 minutes" in locked_out_message()


@pytest.mark.django_db(transaction=True)
def test_a_second_app_server_sees_the_lock_and_the_unlock_command_lifts_it(
    client, organizer, tmp_path, settings
):
    # The other process checks passwords with the real hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    organizer.set_password(PASSWORD)
    organizer.save()
    # Locked through this process…
    guess_wrong(client, 20)
    assert AccessAttempt.objects.filter(username="organizer").exists()

    # …and refused by another app server process, reading the same database.
    env = child_env(STATIC_ROOT=str(tmp_path / "static"))
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    assert collected.returncode == 0, collected.stderr
    server = AppServer(env, tmp_path / "gunicorn.log")
    try:
        browser = Browser(server.url)
        form = {"username": "organizer", "password": PASSWORD, "next": "/admin/"}
        token = browser.csrf_token(LOGIN)
        status, _, page = browser.request(LOGIN, {**form, "csrfmiddlewaretoken": token})
        assert status == 429
        assert LOCKED in page

        # The administrator lifts the lock from a shell.
        unlocked = manage("axes_reset_username", "organizer", env=env)
        assert unlocked.returncode == 0, unlocked.stderr
        assert not AccessAttempt.objects.exists()

        token = browser.csrf_token(LOGIN)
        status, headers, _ = browser.request(LOGIN, {**form, "csrfmiddlewaretoken": token})
        assert status == 302 and headers["Location"] == "/admin/"
    finally:
        server.stop()
        print(server.log.read_text(errors="replace")[-3000:])
