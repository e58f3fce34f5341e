"""What every resource of the read API shares (issue 21; DESIGN.md, "API"): who is asking
(a personal access token, or a signed-in session), read-only methods, a rate per token in
the shared cache, pages, conditional requests (ETag and Last-Modified, 304) and the audit.

Each app's api.py declares its resources on `ReadOnlyResource`; which rows a person gets is
decided by that app's access.py, as for the pages.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Max
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import audit
from .api_feeds import FEEDS
from .models import ApiToken


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema says how a token is sent."""

    target_class = "projects.api_auth.TokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (hl_…), made on your account page.",
        }


FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "xlsx"],
    description="json (the default, a page at a time), or csv or xlsx: the whole list at "
    "once, for Power BI and Excel.",
)


@extend_schema_field({"type": "string", "nullable": True})
class PersonField(serializers.Field):
    """A person as the pages name them (full name, else username); null for nobody."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, user):
        return str(user)


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The full address of the object's own page in Highlight."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, instance):
        return self.context["request"].build_absolute_uri(instance.get_absolute_url())


class FeedTooLong(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, most):
        super().__init__(
            f"More than {most:,} rows: filter the list (by programme, project, period or "
            "status) and fetch each part, or read it as JSON, a page at a time."
        )


class Answered:
    """What every API view does whatever it answers: exempt from the sign-in redirect (not
    from access: a stranger is answered 401), each use in the audit, errors in JSON."""

    @classmethod
    def as_view(cls, *args, **initkwargs):
        return login_not_required(super().as_view(*args, **initkwargs))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS":
            token = request.auth if isinstance(request.auth, ApiToken) else None
            audit.record(
                audit.Kind.API,
                request=request._request,
                actor=request.user,
                obj=token,
                object_type="" if token else "api",
                object_repr="" if token else "signed-in session",
                description=f"{request.method} {request.get_full_path()}"[:2000],
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            # An error is said in JSON, whatever format was asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class Schema(Answered, SpectacularAPIView):
    """The OpenAPI schema, for a token or a signed-in session."""


class NoSuchResource(Answered, APIView):
    """Any other address under /api/: 401 to a stranger, 404 (in JSON) to anyone else."""

    schema = None  # not in the schema

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound("No such resource: /api/docs/ lists them.")


class Resource(Answered, viewsets.GenericViewSet):
    """What a resource answers is answered with an ETag (a digest of the answer itself) and,
    where the rows say when they changed, Last-Modified; a request naming the ETag it has
    (If-None-Match) is answered 304 while the answer is the same. If-Modified-Since alone
    never gets a 304: a row removed, or a person's name changed, leaves every row's time as
    it was while the answer changes. Each use is in the audit."""

    # The rows' field saying when they last changed, for Last-Modified (None: no header).
    modified_field = None
    model = None  # what its rows are (`rows` gives them)

    def rows(self):
        """The rows the person asking may read, in the list's order."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, read without a person
            return self.model.objects.none()
        return self.rows()

    def is_feed(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format in FEEDS

    @extend_schema(parameters=[FORMAT])
    def list(self, request, *args, **kwargs):
        # A page of the list; for a feed (CSV or Excel), the whole list, which is refused,
        # rather than cut short, when it is longer than API_FEED_MAX_ROWS.
        rows = self.filter_queryset(self.get_queryset())
        if self.is_feed():
            most = settings.API_FEED_MAX_ROWS
            rows = list(rows[: most + 1])
            if len(rows) > most:
                raise FeedTooLong(most)
            return Response(self.get_serializer(self.complete(rows), many=True).data)
        page = self.complete(self.paginate_queryset(rows))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def complete(self, rows):
        """What the rows given (a page, or a whole feed) need beyond their query: worked
        out for those rows only, not for every row a deep page skips."""
        return rows

    def last_modified(self):
        if self.modified_field is None:
            return None
        if "pk" in self.kwargs or self.lookup_field in self.kwargs:
            queryset = self.filter_queryset(self.get_queryset()).filter(
                **{self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
            )
        else:
            queryset = self.filter_queryset(self.get_queryset())
        newest = queryset.order_by().aggregate(newest=Max(self.modified_field))["newest"]
        return int(newest.timestamp()) if newest else None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code < 400 and self.is_feed():
            stamp = f"{timezone.localdate():%Y-%m-%d}"
            resource = request.path.rstrip("/").rsplit("/", 1)[-1]  # e.g. rag-ratings
            name = f"highlight-{resource}-{stamp}.{request.accepted_renderer.format}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        # What one person gets differs from another's: never from a shared cache.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        response["Cache-Control"] = "private, no-cache"
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if not isinstance(response, Response):
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        modified = self.last_modified()
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified)
        return get_conditional_response(request._request, etag=etag, response=response)


# Resource first: its list() answers feeds, and hands pages to ListModelMixin's.
class ReadOnlyResource(Resource, mixins.RetrieveModelMixin, mixins.ListModelMixin):
    """A list, and each of its items at its own address."""


class ListResource(Resource, mixins.ListModelMixin):
    """A list only (a table's rows, such as the RAG ratings)."""
