"""Settings read from the environment only (see README: Configuration)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from thidua.env import (
    ConfigError,
    data_dir,
    database_config,
    email_config,
    env_bool,
    env_int,
    env_list,
    env_networks,
    secret_key,
    site_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_bool("THIDUA_DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
# Former keys: signatures and the audit chain written under them still verify.
SECRET_KEY_FALLBACKS = env_list("THIDUA_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("THIDUA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("THIDUA_CSRF_TRUSTED_ORIGINS", [])
# Proxies whose X-Forwarded-For is believed (common.client_address): nginx in front, usually.
THIDUA_TRUSTED_PROXIES = env_networks("THIDUA_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # its Swagger UI files: /api/docs works without a CDN
    "django_tasks",
    "django_tasks_db",
    "thidua.accounts",
    "thidua.orgs",
    "thidua.notices",
    "thidua.indicators",
    "thidua.covenants",
    "thidua.reports",
    "thidua.scoring",
    "thidua.ballots",
    "thidua.awards",
    "thidua.ops",
    "thidua.jobs",
    "thidua.web",
    "thidua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thidua.web.middleware.ChosenLanguageMiddleware",
    "thidua.web.middleware.NulCharacterMiddleware",
    "thidua.web.upload_limit.UploadSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "thidua.accounts.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "thidua.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "thidua.web.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "thidua.urls"
# A refused form (stale CSRF token) gets a Vietnamese page in the site's look.
CSRF_FAILURE_VIEW = "thidua.web.views.errors.csrf_failure"
WSGI_APPLICATION = "thidua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(DATA_DIR)}

# "pages" holds rendered parts of read-mostly pages (thidua.web.page_cache), checked against a
# stamp of the last write on every request; the seconds bound writers that bypass the audit log.
THIDUA_PAGE_CACHE_SECONDS = env_int("THIDUA_PAGE_CACHE_SECONDS", 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "thidua-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
# Evidence files (awards.ProposalFile) are personal data: only thidua's account reads them.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_URL = "/media/"
# Static files ship inside the package; whitenoise serves them from the app folders directly,
# so a fresh install needs no collectstatic step and no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

# Behind a TLS proxy (THIDUA_HTTPS=true): secure cookies, HSTS and redirects to https.
HTTPS = env_bool("THIDUA_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or env_bool("THIDUA_SECURE_COOKIES", False)
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # a working day
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's own decision

# Repeated failed logins lock the account from that address for a while (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "thidua.accounts.backends.AccountBackend",
]
SESSION_ENGINE = "thidua.accounts.session_store"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address, not the proxy's: else one client's failures lock the account for all.
AXES_CLIENT_IP_CALLABLE = "thidua.common.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
AXES_RESET_ON_SUCCESS = True
OTP_TOTP_ISSUER = "thidua"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret or QR code
# The board, heads' secretariats, council members, staff and superusers must sign in with a
# TOTP code (accounts.two_factor); `false` only for a closed test install (check --deploy warns).
THIDUA_REQUIRE_TWO_FACTOR = env_bool("THIDUA_REQUIRE_TWO_FACTOR", True)

# Uploads: Excel files of a cluster are small; large national imports go through the CLI.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Larger files are refused at the door (web, API), except on the pages whose files are read by
# the background worker (thidua.jobs): the registry upload takes what the CLI takes.
THIDUA_MAX_UPLOAD_BYTES = env_int("THIDUA_MAX_UPLOAD_MB", 20, minimum=1) * 1024 * 1024
THIDUA_JOB_UPLOAD_BYTES = env_int("THIDUA_JOB_UPLOAD_MB", 256, minimum=1) * 1024 * 1024

# Background work (thidua.jobs): Django's tasks framework (the django-tasks backport) with the
# queue in the database; `thidua worker` runs it, `thidua serve` and `thidua demo` start one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Dotted paths of callables the worker runs once per calendar day (Asia/Ho_Chi_Minh).
THIDUA_DAILY_JOBS: list[str] = ["thidua.ops.reminders.run_daily"]  # run once a day by the worker
# A running job on another machine whose progress has not moved for this long is run again.
THIDUA_JOB_STALE_MINUTES = env_int("THIDUA_JOB_STALE_MINUTES", 30, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Spreadsheets are measured before python-calamine reads them (thidua.common.sheets): it holds a
# sheet's whole used range (~32 bytes a cell) and a file of two far-apart cells would ask for
# hundreds of GB. Uploads (web) are read while the request waits; the CLI takes national lists.
THIDUA_SHEET_MAX_COLUMNS = env_int("THIDUA_SHEET_MAX_COLUMNS", 200, minimum=1)
THIDUA_SHEET_MAX_ROWS = env_int("THIDUA_SHEET_MAX_ROWS", 100_000, minimum=1)
THIDUA_SHEET_MAX_CELLS = env_int("THIDUA_SHEET_MAX_CELLS", 2_000_000, minimum=1)
THIDUA_SHEET_MAX_UNPACKED_MB = env_int("THIDUA_SHEET_MAX_UNPACKED_MB", 200, minimum=1)
THIDUA_SHEET_MAX_RATIO = env_int("THIDUA_SHEET_MAX_RATIO", 500, minimum=10)
THIDUA_CLI_SHEET_MAX_ROWS = env_int("THIDUA_CLI_SHEET_MAX_ROWS", 1_048_576, minimum=1)
THIDUA_CLI_SHEET_MAX_CELLS = env_int("THIDUA_CLI_SHEET_MAX_CELLS", 16_000_000, minimum=1)
THIDUA_CLI_SHEET_MAX_UNPACKED_MB = env_int("THIDUA_CLI_SHEET_MAX_UNPACKED_MB", 4096, minimum=1)
# Unconfirmed uploads (checked, waiting for "Ghi") are deleted after this many hours.
THIDUA_UPLOAD_KEEP_HOURS = env_int("THIDUA_UPLOAD_KEEP_HOURS", 24, minimum=1)
# Secret ballots (docs/architecture.md, "Secret ballots"): the key of each session is split
# among this many trustees, this many of whom must enter their share to count; no tally is
# decrypted from fewer ballots than the minimum.
THIDUA_BALLOT_TRUSTEES = env_int("THIDUA_BALLOT_TRUSTEES", 3)
THIDUA_BALLOT_THRESHOLD = env_int("THIDUA_BALLOT_THRESHOLD", 2)
THIDUA_BALLOT_MIN_BALLOTS = env_int("THIDUA_BALLOT_MIN_BALLOTS", 3)
if not 2 <= THIDUA_BALLOT_THRESHOLD <= THIDUA_BALLOT_TRUSTEES or THIDUA_BALLOT_MIN_BALLOTS < 2:
    raise ConfigError(
        "THIDUA_BALLOT_THRESHOLD must be 2..THIDUA_BALLOT_TRUSTEES and "
        "THIDUA_BALLOT_MIN_BALLOTS at least 2"
    )

# E-mail (THIDUA_EMAIL_URL, THIDUA_EMAIL_FROM): notices also go by e-mail when set; unset, they
# stay in the in-app inbox only. THIDUA_SITE_URL makes their links absolute.
THIDUA_EMAIL_ENABLED: bool  # set with the e-mail backend just below (for the type checker)
globals().update(email_config())
THIDUA_SITE_URL = site_url()
# Reminders of a report's deadline, this many working days before it (thidua.ops.reminders).
THIDUA_REMIND_DAYS = sorted({env_int("THIDUA_REMIND_DAYS", 3, minimum=1), 1}, reverse=True)
# The head's "Nhắc nhở" for a late member is not sent again within this many hours.
THIDUA_NUDGE_HOURS = env_int("THIDUA_NUDGE_HOURS", 24, minimum=1)
