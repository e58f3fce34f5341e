"""The read API under /api/v1/ (issue 21): each app's api.py names its resources (ROUTES),
and the schema and its documentation page sit at /api/schema/ and /api/docs/."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

import businessplan.api
import projects.api
import projects.api_records
import reports.api
import risks.api
from projects.api_base import NoSuchResource, Schema

from . import views

router = SimpleRouter()
for module in (projects.api, projects.api_records, risks.api, businessplan.api, reports.api):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", Schema.as_view(), name="api-schema"),
    path("docs/", views.api_docs, name="api-docs"),
    # Any other address under /api/: answered in JSON, not with the pages' 404.
    re_path(r"^(?!docs/).*$", NoSuchResource.as_view(), name="api-unknown"),
]
