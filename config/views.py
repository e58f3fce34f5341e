import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_state():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return "ok"
    except Exception:
        return "unreachable"


def _token_sent(request):
    """The token in `Authorization: Bearer <token>` or `X-Healthz-Token: <token>`."""
    bearer = request.headers.get("Authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[len("bearer ") :].strip()
    return request.headers.get("X-Healthz-Token", "").strip()


def sent_the_token(request):
    """Whether the caller holds HEALTHZ_TOKEN (compared in constant time). Never the caller's
    address: behind a proxy every request comes from the proxy's."""
    expected = settings.HEALTHZ_TOKEN
    sent = _token_sent(request)
    return bool(expected and sent) and hmac.compare_digest(sent.encode(), expected.encode())


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """For load balancers: 200 `ok` while this process can serve pages (its database
    answers), else 503 `unavailable`, and nothing more to anyone. A broker outage does not
    fail it: pages still work, and queued documents are sent again when it is back.

    For monitoring, with HEALTHZ_TOKEN: each service's state as JSON, and 503 when either
    the database or the broker does not answer."""
    database = _database_ok()
    if not sent_the_token(request):
        body, status = ("ok", 200) if database else ("unavailable", 503)
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    broker = _broker_state()
    body = {"database": "ok" if database else "unreachable", "broker": broker}
    return JsonResponse(body, status=200 if database and broker != "unreachable" else 503)


@require_safe
def api_docs(request):
    """The API's documentation page, for signed-in people (Swagger UI, vendored)."""
    return render(request, "api/docs.html")
