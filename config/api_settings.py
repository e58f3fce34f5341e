"""The read API's and the channel messages' settings (issue 21; projects/api_base.py,
projects/webhooks.py), read into config/settings.py:
REST framework's, the OpenAPI schema's, and the limits read from the environment."""

import environ

env = environ.Env()

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "projects.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["projects.api_auth.ReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["projects.api_auth.PerToken"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "projects.api_feeds.CsvRenderer",
        "projects.api_feeds.XlsxRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],  # read-only: no request body is ever read
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "projects.api_auth.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
# Requests per token (or signed-in person) per minute, counted in the shared cache.
API_REQUESTS_PER_MINUTE = env.int("API_REQUESTS_PER_MINUTE", default=600)
# The most rows a CSV or Excel feed holds (the whole list, not a page): a longer list is
# refused with a message saying how to filter it, never cut short.
API_FEED_MAX_ROWS = env.int("API_FEED_MAX_ROWS", default=250_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Highlight API",
    "DESCRIPTION": (
        "Read-only: programmes, projects, highlight reports, their RAG ratings, milestones, "
        "money and RAID items, risk registers, business plans and documents, as the person "
        "whose token it is may read them on the pages. Send the token as "
        "`Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["projects.api_auth.ReadOnly"],
    "SERVE_AUTHENTICATION": [
        "projects.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "projects.models.HighlightReport.Status",
        "ProjectStatusEnum": "projects.models.Project.Status",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Messages to chat channels (projects/webhooks.py): seconds to connect and to be answered;
# posting to this machine or a private network only for the tests; an extra certificate
# authority to trust (an organisation's own, or the tests').
CHANNEL_HOOK_TIMEOUT = env.float("CHANNEL_HOOK_TIMEOUT", default=10)
CHANNEL_HOOKS_ALLOW_PRIVATE = env.bool("CHANNEL_HOOKS_ALLOW_PRIVATE", default=False)
CHANNEL_HOOKS_CA_FILE = env("CHANNEL_HOOKS_CA_FILE", default="")
