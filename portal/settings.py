"""
Settings for the portal, read from environment variables (and an optional `.env`
file in the project root). Every variable is listed in the README. The defaults
are the embedded set-up (SQLite, local-memory cache, email to files, tasks in
the database); production parts are chosen by setting variables, never by
editing this file.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the portal needs a secret key: "
            "set SECRET_KEY to a long random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-key-do-not-use-in-production"

# The public address of the site, used for canonical URLs, feeds, calendars and emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Talks, Posts & Papers")
SITE_AUTHOR = env.str("SITE_AUTHOR", default="Ada Example")
SITE_DESCRIPTION = env.str(
    "SITE_DESCRIPTION",
    default="Conference talks, a technical blog and a distributed-systems paper club.",
)
_site_host = urlsplit(SITE_URL).hostname or "localhost"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=sorted({_site_host, "localhost", "127.0.0.1", "[::1]"})
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "markdownx",
    "django_tasks_db",
    "axes",
    "portal",
    "blog",
    "talks",
    "meetups",
]

MIDDLEWARE = [
    # Counts every response, redirects included (does nothing unless METRICS_ENABLED).
    "portal.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the headers too.
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.KnownMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages from the shared cache: before sessions, so a hit costs what a file does.
    "portal.pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs to know who is signed in; runs before anything reads the body.
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.RedirectFallbackMiddleware",
    # Turns a locked-out login into the lockout page; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite creates the file but not its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the task worker write to the same file: WAL lets readers
    # go on during a write, and IMMEDIATE transactions wait for the lock instead
    # of failing with "database is locked" half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Tests use a file, not memory, so that a real worker process and live-server threads
    # see the test database; the process id keeps simultaneous runs apart.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(Path(tempfile.gettempdir()) / f"portal-test-{os.getpid()}.sqlite3")
    )
# Opening a connection costs more than a small page's queries (for SQLite, the file and
# its PRAGMAs on every request): each worker keeps its own open between requests.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------
# Shared state that several app servers must agree on (rate limits, for one)
# lives here: set CACHE_URL=redis://… in production.
CACHES = {
    "default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://portal")
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Room for every page of a small site in the page cache (Django's default is 300).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 1000)

# Anonymous visitors get pages from the cache for up to this long (0: no page cache);
# any change to the content makes every page stale at once. Proxies and CDNs in front
# may keep a page for PAGE_CACHE_PROXY_SECONDS (they cannot be told of changes).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_PROXY_SECONDS = env.int("PAGE_CACHE_PROXY_SECONDS", default=60)
# With a process-local cache (no CACHE_URL), the processes of one machine (web workers,
# the task worker, commands) learn of changes through this file.
PAGE_CACHE_GENERATION_FILE = env.path(
    "PAGE_CACHE_GENERATION_FILE", default=str(VAR_DIR / "page-cache-generation")
)

# --- Email --------------------------------------------------------------------
# EMAIL_URL=smtp+tls://user:password@smtp.example.org:587 in production; without
# it every message is written as a file under var/mail/ (or EMAIL_FILE_PATH).
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST"),
                "port": _email.get("EMAIL_PORT"),
                "username": _email.get("EMAIL_HOST_USER") or None,
                "password": _email.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": bool(_email.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
                "timeout": env.int("EMAIL_TIMEOUT", default=30),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))},
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"club@{_site_host}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------------
# Tasks are stored in the database and run by `manage.py run_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Club announcements are sent by the worker. A worker holds an announcement for this
# long between signs of life; if it dies, another takes over once the time is up (keep
# it well above EMAIL_TIMEOUT). A temporary SMTP failure is retried after the first
# delay, doubling each time, until the attempts are used up.
ANNOUNCEMENT_LEASE_SECONDS = env.int("ANNOUNCEMENT_LEASE_SECONDS", default=120)
ANNOUNCEMENT_RETRY_SECONDS = env.int("ANNOUNCEMENT_RETRY_SECONDS", default=60)
ANNOUNCEMENT_MAX_ATTEMPTS = env.int("ANNOUNCEMENT_MAX_ATTEMPTS", default=8)

# --- Paper lookup ------------------------------------------------------------------
# Adding a paper from a DOI, an arXiv id or a title fills in the rest from these
# public services (meetups.lookup). Never required: with PAPER_LOOKUP off or the
# services unreachable, papers are read from the text alone. Requests time out after
# PAPER_LOOKUP_TIMEOUT seconds and name SITE_URL and PAPER_LOOKUP_CONTACT, as
# Crossref asks of polite clients.
PAPER_LOOKUP = env.bool("PAPER_LOOKUP", default=True)
PAPER_LOOKUP_TIMEOUT = env.float("PAPER_LOOKUP_TIMEOUT", default=5.0)
PAPER_LOOKUP_CONTACT = env.str("PAPER_LOOKUP_CONTACT", default=DEFAULT_FROM_EMAIL)
CROSSREF_API_URL = env.str("CROSSREF_API_URL", default="https://api.crossref.org")
DATACITE_API_URL = env.str("DATACITE_API_URL", default="https://api.datacite.org")
ARXIV_API_URL = env.str("ARXIV_API_URL", default="https://export.arxiv.org")
OPENALEX_API_URL = env.str("OPENALEX_API_URL", default="https://api.openalex.org")

# --- Time and language -----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded slides and images are best served by the proxy in front of gunicorn;
# SERVE_MEDIA=true lets the app serve them itself on a small site without one.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with hashed names; WhiteNoise serves them with far-future
    # cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Request limits -------------------------------------------------------------
# A request body larger than this is refused (413) from its Content-Length, before it
# is read: visitors only ever send the small public forms; signed-in staff send slides
# (PDFs of up to 50 MB) and images through the admin.
PUBLIC_REQUEST_MAX_BYTES = env.int("PUBLIC_REQUEST_MAX_BYTES", default=64 * 1024)
STAFF_REQUEST_MAX_BYTES = env.int("STAFF_REQUEST_MAX_BYTES", default=64 * 1024 * 1024)
# Form fields other than files, held in memory: the longest Markdown post fits many times.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The admin's largest forms (a session with its reading list inline, a change list's
# selection) stay well below these.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# An uploaded file above this goes to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440  # 2.5 MB

# --- Security -------------------------------------------------------------------
# HTTPS=true behind a TLS-terminating proxy turns on redirects, HSTS and secure
# cookies; the proxy must set X-Forwarded-Proto.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=HTTPS)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form is answered in the site's look, saying what to do about it.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True

# Scripts run only from our own origin or with the per-response nonce; no inline
# script or style attribute is ever trusted. Recording embeds are the only frames.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "https:", "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "media-src": [CSP.SELF, "https:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Browser features no page uses, off for every page and every frame in it; the recording
# players (the CSP's frames) may autoplay, play protected media and go full screen.
_players = ["self", *SECURE_CSP["frame-src"]]
PERMISSIONS_POLICY = {
    **dict.fromkeys(
        [
            "accelerometer",
            "ambient-light-sensor",
            "bluetooth",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        ],
        [],
    ),
    **dict.fromkeys(["autoplay", "encrypted-media", "fullscreen", "picture-in-picture"], _players),
}
# Pages, static files and uploads are for this site's own pages only: another site
# cannot load them into its own. `cross-origin` lets feed readers and webmail show
# the images of posts; empty sends no header.
CROSS_ORIGIN_RESOURCE_POLICY = env.str("CROSS_ORIGIN_RESOURCE_POLICY", default="same-origin")

# --- Login protection (django-axes) ---------------------------------------------------
# Failed logins are counted in the database, which every app server shares. After
# LOGIN_FAILURE_LIMIT failures the account is locked (from any address) and so is the
# address (for any account), for LOGIN_LOCKOUT_MINUTES after the last attempt. Lift a
# lock sooner with `manage.py axes_reset_username NAME` or `axes_reset_ip ADDRESS`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.login_protection.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False  # no banner at every start; lockouts are still logged

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Markdown editing ---------------------------------------------------------------
# The admin's live preview goes through the very function that renders published pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "portal.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/admin-tools/markdown/preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin-tools/markdown/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
# Images are judged by their content and re-encoded (portal/uploads.py); SVG is refused.
MARKDOWNX_UPLOAD_MAX_SIZE = 10 * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

# --- Operations: health, metrics, backups -----------------------------------------------
# /healthz counts the worker as down when it has run no heartbeat task for this long.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=120)
# Prometheus metrics at /metrics, for a bearer token or listed addresses/networks only.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Probes and scrapers often reach the app server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/web)?$", r"^metrics$"]
# Where `manage.py backup` writes its archives when given no path.
BACKUP_DIR = env.path("BACKUP_DIR", default=str(VAR_DIR / "backups"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Each line ends with what it is about, e.g. " [task=… announcement=5]" (portal/log_context.py).
    "filters": {"context": {"()": "portal.log_context.ContextFilter"}},
    "formatters": {
        "console": {"format": "%(levelname)s %(name)s: %(message)s%(log_context)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "console",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
