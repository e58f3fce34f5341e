from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
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


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """For load balancers and monitoring: 503 when the database does not answer. A broker
    outage is reported but does not fail the check: pages still work, and queued documents
    are sent again when it is back."""
    database = _database_ok()
    body = {"database": "ok" if database else "unreachable", "broker": _broker_state()}
    return JsonResponse(body, status=200 if database else 503)
