"""Django settings, all from environment variables: the only module that reads
os.environ (the apps read django.conf.settings).

The defaults are the embedded demo: SQLite under ./var, tasks run in-process, a
well-known secret. Production (YINGJI_ENV=production) swaps in PostgreSQL, a broker
and a real secret through DATABASE_URL, BROKER_URL and SECRET_KEY, with no code change,
and refuses to start with the demo secret.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("YINGJI_VAR_DIR", Path.cwd() / "var"))
# The project's shared data (typhoon archives, flood cases) beside a checkout: <repo>/../shared/data.
# Optional: what the demo takes from it has a built-in fallback.
SHARED_DATA_DIR = Path(os.environ.get("YINGJI_SHARED_DATA_DIR",
                                      Path(__file__).resolve().parents[3] / "shared" / "data"))

DEMO_SECRET_KEY = "yingji-demo-secret-do-not-use-in-production"
YINGJI_ENV = os.environ.get("YINGJI_ENV", "demo")
PRODUCTION = YINGJI_ENV == "production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
if not SECRET_KEY or (PRODUCTION and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50
                                       or len(set(SECRET_KEY)) < 5)):
    raise ImproperlyConfigured(
        "SECRET_KEY 为空、过短或为演示密钥：生产模式需要至少 50 个字符的随机密钥 / "
        "SECRET_KEY is empty, short or the demo secret: production needs at least 50 random characters"
    )
# Production never runs with DEBUG (tracebacks and settings in error pages), whatever DEBUG says.
DEBUG = not PRODUCTION and os.environ.get("DEBUG", "1") == "1"
# `yingji demo` shows people the product's own (Chinese) error pages, not Django's debug
# pages, unless DEBUG=1 was asked for explicitly.
DEMO_DEBUG = DEBUG and os.environ.get("DEBUG") == "1"
# Behind a TLS-terminating proxy (nginx, a load balancer): name the header it sets to
# "https", e.g. X-Forwarded-Proto. Only set it if the proxy always overwrites the header.
if os.environ.get("YINGJI_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["YINGJI_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = os.environ.get("YINGJI_SSL_REDIRECT", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("YINGJI_SECURE_COOKIES", "0") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("YINGJI_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# The API's docs and schema: only for logged-in users unless set to 0 (default: production only).
YINGJI_API_DOCS_LOGIN = os.environ.get("YINGJI_API_DOCS_LOGIN", "1" if PRODUCTION else "0") == "1"
# The audit chain's HMAC key (core/audit.py): not in the database, so that whoever can
# write the database cannot re-hash the chain. Changing it makes every record fail
# `yingji audit verify`. The demo derives one from SECRET_KEY (a system check warns).
YINGJI_AUDIT_KEY = os.environ.get("YINGJI_AUDIT_KEY", "")
if PRODUCTION and len(YINGJI_AUDIT_KEY) < 32:
    raise ImproperlyConfigured("生产模式需要 YINGJI_AUDIT_KEY（至少 32 个字符）/ "
                               "Production needs YINGJI_AUDIT_KEY (at least 32 characters)")
# Signed checkpoints of the chain head, appended by a scheduler tick: keep this
# directory where the database's administrators cannot write.
YINGJI_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("YINGJI_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit"))
YINGJI_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("YINGJI_AUDIT_CHECKPOINT_SECONDS", "600"))
# Each checkpoint also goes by message to "channel:address" (e.g. email:audit@bureau.example).
YINGJI_AUDIT_CHECKPOINT_TO = os.environ.get("YINGJI_AUDIT_CHECKPOINT_TO", "")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*" if not PRODUCTION else "localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # its templates and static files: /api/docs served locally, not from a CDN
    "yingji.core",
    "yingji.enterprises",
    "yingji.messaging",
    "yingji.hydromet",
    "yingji.insurance",
    "yingji.alerts",
    "yingji.hazards",
    "yingji.floods",
    "yingji.duty",
    "yingji.accidents",
    "yingji.response",
    "yingji.resources",
    "yingji.enforcement",
    "yingji.command",
    "yingji.hazchem",
    "yingji.web",
    "yingji.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yingji.core.csp.ContentSecurityPolicyMiddleware",
    # Static files from the app server itself: a county office has no nginx to configure.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yingji.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingji.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yingji.urls"
WSGI_APPLICATION = "yingji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yingji.core.ui.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yingji.sqlite3'}")
# PostgreSQL: keep a connection per thread between requests and tasks. A new one
# costs the server a process start, which made a gateway's single receipt ~1.5x
# dearer (benchmarks/callup_fanout.py). Checked before reuse, so a restarted server
# costs one reconnect, not an error.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0" if DATABASE_URL.startswith("sqlite") else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the in-process worker writes. IMMEDIATE: every
    # transaction takes the write lock when it begins, waiting up to `timeout` seconds
    # for it. A deferred one that read first and then wanted to write could not wait
    # (SQLite answers "database is locked" at once, whatever the timeout), and the web
    # answered 500 to gateway receipts while the worker sent a call-up.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20,
                                       "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [] if not PRODUCTION else [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded evidence (photos, files). Not served as public static files: the apps serve
# them through views that check the caller's scope.
MEDIA_ROOT = Path(os.environ.get("YINGJI_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Production serves hashed, compressed copies from STATIC_ROOT (run `yingji collectstatic`
# once per release); the demo and tests serve the source files directly, no step needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Celery: without a broker every task runs in-process (the embedded demo).
BROKER_URL = os.environ.get("BROKER_URL", "")
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not BROKER_URL
# Several installations (or a benchmark) can share one broker, each on its own queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("YINGJI_TASK_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

MQTT_URL = os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1883")
MQTT_USERNAME = os.environ.get("MQTT_USERNAME", "")  # else the URL's user and password
MQTT_PASSWORD = os.environ.get("MQTT_PASSWORD", "")
MQTT_CLIENT_ID = os.environ.get("MQTT_CLIENT_ID", "yingji-ingest-mqtt")

# Messaging: gateways (an unset URL = channel not configured), batching and retries.
YINGJI_SMS_URL = os.environ.get("YINGJI_SMS_URL", "")
YINGJI_VOICE_URL = os.environ.get("YINGJI_VOICE_URL", "")
YINGJI_DINGTALK_WEBHOOK = os.environ.get("YINGJI_DINGTALK_WEBHOOK", "")
YINGJI_DINGTALK_SECRET = os.environ.get("YINGJI_DINGTALK_SECRET", "")
YINGJI_WECOM_WEBHOOK = os.environ.get("YINGJI_WECOM_WEBHOOK", "")
# The last mile (messaging/transports.py): the emergency-broadcast platform (format
# "json", the generic adapter, or "gdj082", the national emergency-broadcast data
# format), the operator's cell-broadcast gateway (CAP 1.2), and the MQTT broker of
# on-site devices (sirens, lights, rain alarms); an unset URL = channel not configured.
YINGJI_BROADCAST_URL = os.environ.get("YINGJI_BROADCAST_URL", "")
YINGJI_BROADCAST_FORMAT = os.environ.get("YINGJI_BROADCAST_FORMAT", "json")
YINGJI_CELL_BROADCAST_URL = os.environ.get("YINGJI_CELL_BROADCAST_URL", "")
YINGJI_DEVICES_MQTT_URL = os.environ.get("YINGJI_DEVICES_MQTT_URL", "")
# A device that has not acknowledged a command this long after it was sent is
# marked and the command sent once more.
YINGJI_DEVICE_ACK_SECONDS = float(os.environ.get("YINGJI_DEVICE_ACK_SECONDS", "120"))
# Video-dispatch drills (resources/video.py): the video system's generic HTTP/JSON
# endpoint that places calls (unset: calls are recorded as placed and the operator
# records outcomes), the shared secret it sends with its event reports, and the
# response window of the 30-minute response rate (30分钟响应率).
YINGJI_VIDEO_SYSTEM_URL = os.environ.get("YINGJI_VIDEO_SYSTEM_URL", "")
YINGJI_VIDEO_SYSTEM_TOKEN = os.environ.get("YINGJI_VIDEO_SYSTEM_TOKEN", "")
YINGJI_VIDEO_RESPONSE_MINUTES = int(os.environ.get("YINGJI_VIDEO_RESPONSE_MINUTES", "30"))
# "console": print SMS/voice messages instead of sending them. None when unset, so
# `yingji demo` can tell "unset" (it turns the console on) from "set to empty".
YINGJI_FAKE_GATEWAY = os.environ.get("YINGJI_FAKE_GATEWAY")
YINGJI_GATEWAY_TOKEN = os.environ.get("YINGJI_GATEWAY_TOKEN", "")
YINGJI_MESSAGING_BATCH = int(os.environ.get("YINGJI_MESSAGING_BATCH", "500"))
YINGJI_MESSAGING_CONCURRENCY = int(os.environ.get("YINGJI_MESSAGING_CONCURRENCY", "8"))
YINGJI_MESSAGING_TIMEOUT_SECONDS = float(os.environ.get("YINGJI_MESSAGING_TIMEOUT_SECONDS", "10"))
YINGJI_MESSAGING_RETRY_BASE_SECONDS = float(os.environ.get("YINGJI_MESSAGING_RETRY_BASE_SECONDS", "30"))
YINGJI_MESSAGING_RETRY_CAP_SECONDS = float(os.environ.get("YINGJI_MESSAGING_RETRY_CAP_SECONDS", "1800"))
YINGJI_MESSAGING_MAX_ATTEMPTS = int(os.environ.get("YINGJI_MESSAGING_MAX_ATTEMPTS", "8"))
YINGJI_MESSAGING_LEASE_SECONDS = float(os.environ.get("YINGJI_MESSAGING_LEASE_SECONDS", "120"))
# The CA file HTTPS gateways are checked against (empty: the system's).
SSL_CERT_FILE = os.environ.get("SSL_CERT_FILE", "")

# Alerts: the base of acknowledgement links, the CAP sender, and a factor on every
# call-up wait (drills, demos; checked where it is used, so a bad value is a clear error).
YINGJI_PUBLIC_URL = os.environ.get("YINGJI_PUBLIC_URL", "http://127.0.0.1:8000")
# Whether the operator set it: `yingji demo --port` derives it from the port otherwise.
YINGJI_PUBLIC_URL_EXPLICIT = "YINGJI_PUBLIC_URL" in os.environ
YINGJI_CAP_SENDER = os.environ.get("YINGJI_CAP_SENDER", "yingji@yingji.local")
YINGJI_CALLUP_TIME_SCALE = os.environ.get("YINGJI_CALLUP_TIME_SCALE", "1")

# Flash floods: the scour velocity (冲刷流速, m/s) of a section without its own, and how
# long an observed stage must stay below the warning stage before a new rise warns again.
YINGJI_SCOUR_VELOCITY = float(os.environ.get("YINGJI_SCOUR_VELOCITY", "3.0"))
YINGJI_STAGE_QUIET_MINUTES = float(os.environ.get("YINGJI_STAGE_QUIET_MINUTES", "60"))

# Outbound e-mail (one of the messaging channels); unset EMAIL_HOST = not configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "yingji@localhost")

# Map tiles: none by default, so an intranet without internet still draws the map
# (region outlines and markers on a blank background).
YINGJI_TILE_URL = os.environ.get("YINGJI_TILE_URL", "")
YINGJI_API_PAGE_SIZE = 50

# Limits of every spreadsheet/CSV import (core/tabular/reading.py): an upload is
# judged by what it unpacks to, not only by its compressed size.
YINGJI_IMPORT_MAX_BYTES = int(os.environ.get("YINGJI_IMPORT_MAX_BYTES", 10 * 2**20))
YINGJI_IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("YINGJI_IMPORT_MAX_UNZIPPED_BYTES", 50 * 2**20))
YINGJI_IMPORT_MAX_ZIP_RATIO = int(os.environ.get("YINGJI_IMPORT_MAX_ZIP_RATIO", 100))
YINGJI_IMPORT_MAX_CELL_CHARS = int(os.environ.get("YINGJI_IMPORT_MAX_CELL_CHARS", 32_767))  # Excel's own limit
YINGJI_IMPORT_MAX_LINE_CHARS = int(os.environ.get("YINGJI_IMPORT_MAX_LINE_CHARS", 100_000))
YINGJI_IMPORT_MAX_ROWS = int(os.environ.get("YINGJI_IMPORT_MAX_ROWS", 20_000))
YINGJI_IMPORT_MAX_COLUMNS = int(os.environ.get("YINGJI_IMPORT_MAX_COLUMNS", 100))
YINGJI_IMPORT_MAX_BLANK_ROWS = int(os.environ.get("YINGJI_IMPORT_MAX_BLANK_ROWS", 1_000))
# Observation files are long and narrow: a year of hourly rain at 70 stations is 613,200 rows.
YINGJI_IMPORT_MAX_OBSERVATION_ROWS = int(os.environ.get("YINGJI_IMPORT_MAX_OBSERVATION_ROWS", 1_000_000))
YINGJI_IMPORT_MAX_OBSERVATION_BYTES = int(os.environ.get("YINGJI_IMPORT_MAX_OBSERVATION_BYTES", 100 * 2**20))
# Forecast rain from the weather bureau: a folder watched for CSV files (empty: no folder feed).
YINGJI_RAIN_FEED_DIR = os.environ.get("YINGJI_RAIN_FEED_DIR", "")

# Exports of the list pages (core/exports.py): past this many rows the person is
# asked to narrow the filters instead of getting a file too large to open.
YINGJI_EXPORT_MAX_ROWS = int(os.environ.get("YINGJI_EXPORT_MAX_ROWS", 50_000))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Hostile input and logins (issue 12, items 4 and 5) -----------------------------
# Bodies of API requests are bounded before any parser sees them (core/limits.py).
MIDDLEWARE.insert(MIDDLEWARE.index("yingji.core.middleware.RejectNulMiddleware"),
                  "yingji.core.limits.ApiBodyLimitsMiddleware")
MIDDLEWARE.append("yingji.core.limits.InputErrorMiddleware")
# Login throttling (django-axes, in the database: SQLite and PostgreSQL alike), for the
# login page and POST /api/auth/token. An account is locked after
# YINGJI_LOGIN_ACCOUNT_LIMIT failures, an address after YINGJI_LOGIN_ADDRESS_LIMIT
# (higher: a county bureau's officers share one address), for YINGJI_LOGIN_LOCKOUT_MINUTES
# after the last failure.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
YINGJI_LOGIN_ACCOUNT_LIMIT = int(os.environ.get("YINGJI_LOGIN_ACCOUNT_LIMIT", "5"))
YINGJI_LOGIN_ADDRESS_LIMIT = int(os.environ.get("YINGJI_LOGIN_ADDRESS_LIMIT", "30"))
YINGJI_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("YINGJI_LOGIN_LOCKOUT_MINUTES", "15"))
AXES_HANDLER = "yingji.core.throttle.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each alone; LoginThrottle weighs them
AXES_FAILURE_LIMIT = YINGJI_LOGIN_ACCOUNT_LIMIT
AXES_COOLOFF_TIME = YINGJI_LOGIN_LOCKOUT_MINUTES / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yingji.core.throttle.lockout_response"
AXES_VERBOSE = False
# No axes pages in the admin: every admin is read-only or audited (core/admin_audit.py).
# An account is unlocked by the cool-off, or by `yingji axes_reset_username NAME`.
AXES_ENABLE_ADMIN = False
# Behind N reverse proxies, the client's address is the Nth from the right of
# X-Forwarded-For (each proxy appends the address it saw); 0: REMOTE_ADDR.
YINGJI_PROXY_COUNT = int(os.environ.get("YINGJI_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "yingji.core.throttle.client_address"
# API tokens end after this many hours (a duty shift; a script logs in again), and on
# logout, a password change or deactivation of the account (core/tokens.py).
YINGJI_TOKEN_TTL_HOURS = float(os.environ.get("YINGJI_TOKEN_TTL_HOURS", "12"))
# Supplies (resources): perishable batches expiring within this many days are listed as
# near expiry (临期); a page or API call may ask for another number of days.
YINGJI_SUPPLY_EXPIRY_DAYS = int(os.environ.get("YINGJI_SUPPLY_EXPIRY_DAYS", "30"))

# Hazardous chemicals (hazchem/reconcile.py): a supplier selling a chemical to at least
# this many new buyers within the window is a finding; a work order is due this many days
# after it was opened. The flags that make a chemical need a use permit.
HAZCHEM_NEW_BUYERS_THRESHOLD = 5
HAZCHEM_NEW_BUYERS_WINDOW_DAYS = 7
HAZCHEM_WORK_ORDER_DAYS = 15
HAZCHEM_PERMIT_FLAGS = ("highly_toxic", "explosive_precursor")
