"""Django settings for Palabre, read from the environment (see `.env.example`).

`PALABRE_ENV` selects defaults: `development` (the default, used by `make demo`),
`test` (pytest) or `production` (refuses to start without its secrets).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parents[1]

env = environ.Env()
_env_file = Path(env.str("PALABRE_ENV_FILE", default=str(REPO_DIR / ".env")))
if _env_file.is_file():
    env.read_env(str(_env_file))

PALABRE_ENV = env.str("PALABRE_ENV", default="development")
if PALABRE_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"PALABRE_ENV doit valoir development, test ou production (reçu : {PALABRE_ENV!r})."
    )
PRODUCTION = PALABRE_ENV == "production"
TESTING = PALABRE_ENV == "test"

if PRODUCTION:
    _missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DEFAULT_FROM_EMAIL", "EMAIL_URL")
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Configuration de production incomplète : définissez "
            + ", ".join(_missing)
            + " dans l'environnement ou le fichier .env (voir .env.example et docs/deploy.md). "
            "Production settings are missing: " + ", ".join(_missing) + "."
        )

DEBUG = env.bool("DEBUG", default=PALABRE_ENV == "development")
DATA_DIR = Path(env.str("PALABRE_DATA_DIR", default=str(REPO_DIR / "var")))


def _local_secret_key() -> str:
    """Outside production, a random key kept in DATA_DIR (never committed, never shared)."""
    if TESTING:
        return secrets.token_urlsafe(50)
    path = DATA_DIR / "secret_key"
    if not path.is_file():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])


def _production_mistakes() -> list[str]:
    """What makes a production configuration unsafe, in French then English."""
    mistakes = []
    if DEBUG:
        mistakes.append("DEBUG est activé (DEBUG is on)")
    if any(host.strip() in {"*", ".*"} or host.strip().startswith("*") for host in ALLOWED_HOSTS):
        mistakes.append("ALLOWED_HOSTS accepte n'importe quel hôte (ALLOWED_HOSTS is a wildcard)")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        mistakes.append(
            "SECRET_KEY est trop faible : au moins 50 caractères aléatoires "
            "(SECRET_KEY is weak: 50 random characters at least)"
        )
    email_url = env.str("EMAIL_URL", default="")
    if email_url.split(":", 1)[0] in {"consolemail", "memorymail", "dummymail", "filemail"}:
        mistakes.append(
            "EMAIL_URL n'envoie aucun e-mail : indiquez un serveur SMTP "
            "(EMAIL_URL sends no e-mail: give an SMTP server)"
        )
    return mistakes


if PRODUCTION and _production_mistakes():
    raise ImproperlyConfigured(
        "Configuration de production dangereuse (unsafe production settings) : "
        + " ; ".join(_production_mistakes())
        + ". Voir docs/deploy.md et docs/security.md."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SHARED_DATA_DIR = Path(
    env.str("PALABRE_SHARED_DATA", default=str(REPO_DIR.parent / "shared" / "data"))
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "palabre.core",
    "palabre.organizations",
    "palabre.accounts",
    "palabre.processes",
    "palabre.contributions",
    "palabre.moderation",
    "palabre.questionnaires",
    "palabre.budgets",
    "palabre.opinions",
    "palabre.synthesis",
    "palabre.notifications",
    "palabre.evaluation",
    "palabre.opendata",
    "palabre.backoffice",
    "palabre.web",
    "palabre.api",
    "palabre.demo",
]

MIDDLEWARE = [
    "palabre.core.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "palabre.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "palabre.evaluation.middleware.VisitCountMiddleware",
]

ROOT_URLCONF = "palabre.urls"
WSGI_APPLICATION = "palabre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palabre.core.context_processors.site",
                "csp.context_processors.nonce",
            ],
        },
    },
]
FORM_RENDERER = "palabre.core.forms.PalabreFormRenderer"

# Database: embedded SQLite unless DATABASE_URL is set (postgres://user:pass@host/name).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'palabre.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = None
else:
    # keep each worker's connection for a while (opening one costs more than a vote);
    # checked before reuse, so a restarted database is not a problem
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, sessions-independent state): shared by every process.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL",
        default="locmemcache://" if TESTING else "dbcache://palabre_cache",
    )
}

# Background work: one job system (Django Tasks API via django-tasks).
# TASKS_BACKEND = database (default) | immediate | redis
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if TESTING else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "redis": "django_tasks_rq.RQBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND doit valoir {', '.join(_TASK_BACKENDS)} (reçu : {TASKS_BACKEND!r})."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail only, verified, login by e-mailed code, rate-limited, MFA.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "palabre.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "palabre.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Palabre] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff roles (admin, agent, analyst, moderator, elected) and superusers set up an
# authenticator app before they reach the agents' space or the Django admin.
PALABRE_STAFF_MFA_REQUIRED = env.bool("PALABRE_STAFF_MFA_REQUIRED", default=True)
MFA_TOTP_ISSUER = "Palabre"

# E-mail through Django's backends: EMAIL_URL=smtp://user:pass@host:587/?tls=True
_email = env.email_url("EMAIL_URL", default="memorymail://" if TESTING else "consolemail://")
if _email.get("EMAIL_BACKEND") == "django.core.mail.backends.memory.EmailBackend":
    _email["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Palabre <noreply@palabre.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute address of the site, for links in e-mails (notifications, unsubscribe).
# Map tiles for idea locations (e.g. https://tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png);
# empty: no map, people give an address or a neighbourhood instead.
PALABRE_MAP_TILE_URL = env.str("PALABRE_MAP_TILE_URL", default="")
PALABRE_MAP_ATTRIBUTION = env.str("PALABRE_MAP_ATTRIBUTION", default="© OpenStreetMap")
# Public writes: (per account, per visitor address) for each action, "N/[k]s|m|h|d"; "" means
# no limit on that side (core.ratelimit). Addresses are generous: many people share one.
PALABRE_RATE_LIMITS = {
    "idea": ("10/h", "60/h"),
    "comment": ("30/10m", "200/10m"),
    "support": ("120/10m", "600/10m"),
    "report": ("20/h", "100/h"),
    "coauthor": ("10/h", "60/h"),
    "ballot": ("30/10m", "300/10m"),
    "opinion_vote": ("600/10m", "6000/10m"),
    "statement": ("10/h", "60/h"),
    "pairwise": ("600/10m", "6000/10m"),
    "questionnaire": ("10/h", "200/h"),
    "feedback": ("10/h", "200/h"),
}
# The reverse proxies in front of the app (addresses or networks): behind them, the visitor's
# address is read from X-Forwarded-For (core.client_address); from anywhere else it is not.
PALABRE_TRUSTED_PROXIES = env.list("PALABRE_TRUSTED_PROXIES", default=[])
PALABRE_BASE_URL = env.str("PALABRE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    # Uploads go through Django's storage API: any backend (S3-compatible, NFS…) can be
    # configured here for several app servers.
    "default": {
        "BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production WhiteNoise serves static files straight from the apps (no collectstatic),
# so the demo runs with DEBUG off and shows the real error pages.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions live in the database; with a cache every process shares (Redis, Memcached: the
# deployment guide's setup for large sites) they are read from it first, saving a query on
# every signed-in request. A per-process cache (locmem) never holds them: a session ended in
# one process would live on in another's memory.
_CACHE_MODULE = CACHES["default"]["BACKEND"].rsplit(".", 1)[0]  # e.g. ….backends.redis
_SHARED_CACHE = "redis" in _CACHE_MODULE or _CACHE_MODULE.endswith(".memcached")
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if _SHARED_CACHE else "db")
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "palabre.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL template such as a tile server's."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Content-Security-Policy (django-csp) on every response: no inline script anywhere, no
# third-party script, style or frame; inline <style> only with the request's nonce (the
# organisation's colour); images from the site, data: URLs (QR codes) and the map's tiles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [
            SELF,
            "data:",
            *([_origin(PALABRE_MAP_TILE_URL)] if _origin(PALABRE_MAP_TILE_URL) else []),
        ],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)

# Logs: no personal data (no e-mails, no request bodies) is ever logged by Palabre.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
