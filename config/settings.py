"""Settings for the solid-state battery industry platform.

Everything that differs between a laptop and production comes from the environment:
DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.private_storage import private_storage_setting

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in {"1", "true", "yes", "on"}

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A production server with a guessable key would let anyone forge sessions.
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "registry",
    "procurement",
    "alliance",
    "calculators",
    "research",
    "demonstration",
    "talent",
    "policy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's language follows their account, on every device (registry/language.py).
    "registry.language.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Control characters (NUL bytes) in any parameter or field: a 400 naming it, before any view reads it.
    "registry.middleware.ControlCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused by django-axes into the lockout page (config/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "registry.context_processors.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
# Optional: a read replica of the database for the public directory's reads (the list, the API, a company's page
# to anonymous visitors: registry.selectors.directory_reads). Every write and every signed-in user's page stays on
# "default", so nobody misses their own change to replication lag. Tests mirror it onto the test database.
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation for the app's connections: its queries are short reads whose plans, costed from
        # correlated subqueries, can pass jit_above_cost at city scale; compiling then costs 50-150 ms for a
        # query that runs in a few. The indexes, not generated code, make these queries fast.
        _database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite, the single-machine default: with a write-ahead log the web workers' reads and the task worker's
        # writes do not block each other, and a commit waits for the disk at checkpoints rather than on every write
        # (durable in WAL mode but for the last commits on a power cut). The throttle counters and the task queue
        # write on many requests; on the default rollback journal each such write cost 30-45 ms.
        _database.setdefault("OPTIONS", {}).setdefault(
            "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username and address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:my_home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded certificates and application documents are never served as static media:
# they live outside any public URL and go out only through views that check permissions.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# The private files (certificates, application documents, standards evidence, purchase files waiting for a
# worker): a folder of this machine, or an S3-compatible bucket when S3_BUCKET is set, so that every web
# server and worker on every machine sees the same files (config/private_storage.py, README "Scaling out").
STORAGES["private"] = private_storage_setting(os.environ, location=PRIVATE_MEDIA_ROOT)
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@industry-platform.local")

# The city this platform serves: the leading digits of the administrative division code
# (characters 3-8 of a USCC). A USCC inside it suggests the company is local.
CITY_DIVISION_PREFIX = os.environ.get("CITY_DIVISION_PREFIX", "3205")
CITY_NAME = os.environ.get("CITY_NAME", "Suzhou")
# How long a verification stays valid before the company leaves the directory.
VERIFICATION_VALIDITY_DAYS = int(os.environ.get("VERIFICATION_VALIDITY_DAYS", "365"))

# Reverse proxies in front of the application that append to X-Forwarded-For. 0 (the default): the client
# address is the connection's, and X-Forwarded-For, which anyone can send, is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# The shared cache: DRF's throttles and whatever else must agree across workers and machines.
# Redis when REDIS_URL is set; otherwise a table of the database (created by `migrate`, see registry/apps.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}

# Login throttling (django-axes) on every form that takes a password: /accounts/login/, /admin/login/ and
# /api/v1/auth/token/. Failures are counted in the database, so all workers and machines share them. A lock
# is per username *and* client address: someone guessing one account from one address is stopped without
# locking the real owner out from elsewhere. The lock lifts AXES_COOLOFF_MINUTES after the last failure.
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns an anonymous write into 401 rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "registry.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Throttle counts live in the shared cache (CACHES below), so every worker and machine counts together.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
        # The token endpoint takes passwords: slow down guessing.
        "token": os.environ.get("API_THROTTLE_TOKEN", "20/minute"),
    },
    # The client address comes from X-Forwarded-For only behind the configured number of proxies (see below).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Solid-state battery industry platform API",
    "DESCRIPTION": "The supplier directory, products and taxonomy of the city's solid-state battery industry.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would otherwise send the schema's address to validator.swagger.io from every browser.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    # Tags and operation ids from the part after /api/v1 ("companies_list", not "v1_companies_list").
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Separate request and response components, so read-only fields are not offered as inputs.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its 400/401/403/404/429 answers (config/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.error_responses"],
    # Two choice sets share the field name "stage" (a product's, a production base's): each gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "registry.models.Product.Stage",
        "ProductionBaseStageEnum": "registry.models.ProductionBase.Stage",
        "CompanyStatusEnum": "registry.models.Company.Status",
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HTTPS only: redirect plain HTTP and tell browsers (HSTS) never to try it. Behind a proxy that ends TLS,
    # name the header it sets (DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto) or every request redirects.
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_SECURE_HSTS_PRELOAD", "1") == "1"
# Off unless set: trusting the header without a proxy that overwrites it would let anyone claim HTTPS.
if _proxy_ssl_header := os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Content-Security-Policy (django-csp 4): scripts and styles come only from our own static files; no inline
# script anywhere (templates load static/js/*.js). The API documentation page adds what Swagger UI needs
# (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # Django's default config gives the "django" logger its own console handler (when DEBUG) and lets it
    # propagate to the root, so every line of it printed twice. It now only propagates to the root's handler.
    "loggers": {
        "django": {"handlers": [], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO" if DEBUG else "WARNING")},
    },
}

# The local content ratio's target path starts at 40 % in this year and reaches 70 % five years later.
LCR_BASELINE_YEAR = int(os.environ.get("LCR_BASELINE_YEAR", "2025"))
# Rows a purchase file may hold; the import reads and checks the whole file before saving anything.
PURCHASE_IMPORT_MAX_ROWS = int(os.environ.get("PURCHASE_IMPORT_MAX_ROWS", "200000"))
# Bytes a purchase file may have; a larger one is refused before it is read (procurement/imports.py).
PURCHASE_IMPORT_MAX_BYTES = int(os.environ.get("PURCHASE_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

# Background work (purchase imports, the scheduled sweeps) goes through Django's task API, from the django-tasks
# backport (procurement/tasks.py says why). Without REDIS_URL the database is the queue and `manage.py db_worker`
# runs the jobs; with it, Redis through RQ and `manage.py rqworker`, as many workers as needed.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
# An import still running after this long is marked failed by `manage.py run_sweeps` (and RQ stops its job).
PURCHASE_IMPORT_TIMEOUT_SECONDS = int(os.environ.get("PURCHASE_IMPORT_TIMEOUT_SECONDS", "1800"))
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": PURCHASE_IMPORT_TIMEOUT_SECONDS}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A company's users are told once when one of its certificates ends within this many days.
CERTIFICATE_EXPIRY_NOTICE_DAYS = int(os.environ.get("CERTIFICATE_EXPIRY_NOTICE_DAYS", "30"))
