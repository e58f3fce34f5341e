from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from . import second_factor
from .models import Concern, HighlightReport, Project, RagDimension, RagRating, RagStatus, User


@admin.register(User)
class HighlightUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Role in reports", {"fields": ("job_title", "organisation_unit")}),
    )
    list_display = ("username", "first_name", "last_name", "job_title", "organisation_unit")
    # Who is staff, superuser, a director or in the PMO, and any extra rights: a superuser
    # decides. Anyone else able to change people could otherwise grant themselves more.
    RIGHTS = ("is_staff", "is_superuser", "groups", "user_permissions")

    # An email address is where a password reset goes: changing someone else's would be a
    # way into their account, so only a superuser changes it.
    TAKEOVER = ("email",)

    # What happened, not settings: the audit and the people list rely on them.
    FACTS = ("last_login", "date_joined")

    actions = ["reset_second_factor"]

    def get_readonly_fields(self, request, obj=None):
        readonly = (*super().get_readonly_fields(request, obj), *self.FACTS)
        if settings.OIDC_GROUPS_CLAIM:
            # The provider's groups decide PMO and Directors at each sign-in (projects/sso.py).
            readonly = (*readonly, "groups")
        if request.user.is_superuser:
            return readonly
        others = () if obj is None or obj.pk == request.user.pk else self.TAKEOVER
        return (*readonly, *self.RIGHTS, *others)

    def has_add_permission(self, request):
        # A new account is a new person who can sign in: were the PMO to make one and reset
        # its password, it would have an account of its own to appoint sponsor and approve
        # with (found by the hostile review). A superuser adds people.
        return request.user.is_superuser

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        # Without the password's row, whose link leads to setting it.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def user_change_password(self, request, id, form_url=""):
        # People reset their own passwords; only a superuser sets one (and the audit
        # records it: projects/audit_receivers.py).
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def _guards_an_admin(self, request, obj):
        # An account that can reach the admin is a superuser's to change: setting its
        # password or email (or deleting it) would otherwise be a way into it.
        return (
            obj is not None
            and (obj.is_staff or obj.is_superuser)
            and (not request.user.is_superuser)
        )

    def has_change_permission(self, request, obj=None):
        if self._guards_an_admin(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._guards_an_admin(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_reset_second_factor_permission(self, request):
        return request.user.is_superuser

    @admin.action(description="Reset the second factor (a lost phone)",
                  permissions=["reset_second_factor"])  # fmt: skip
    def reset_second_factor(self, request, queryset):
        for person in queryset:
            second_factor.reset(person, by=request.user)
        self.message_user(request, f"Reset the second factor of {queryset.count()} "
                          "people: each sets an app up again at their next password sign-in, "
                          "if they must have one.", messages.SUCCESS)  # fmt: skip


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "manager", "sponsor", "status")
    list_filter = ("kind", "status")
    search_fields = ("code", "name")
    filter_horizontal = ("editors",)
    autocomplete_fields = ("manager", "sponsor", "parent")


@admin.register(RagDimension)
class RagDimensionAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active", "measures")
    list_editable = ("order", "active", "measures")


@admin.register(RagStatus)
class RagStatusAdmin(admin.ModelAdmin):
    list_display = ("name", "colour", "severity", "counts_as_complete", "order")
    list_editable = ("order",)


class RagRatingInline(admin.TabularInline):
    model = RagRating
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


class ConcernInline(admin.TabularInline):
    model = Concern
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


class SeenNotChanged(admin.ModelAdmin):
    """Seen in the admin, and removed by a superuser; never added or changed there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(HighlightReport)
class HighlightReportAdmin(SeenNotChanged):
    """Read-only: reports change through their pages and projects/workflow.py, which check
    roles, versions and the approval freeze. The admin must not bypass them."""

    list_display = ("project", "period_start", "status", "approved_by", "approved_at")
    list_filter = ("status",)
    search_fields = ("project__code", "project__name")
    inlines = [RagRatingInline, ConcernInline]


# django-allauth's own admin pages: an authenticator's page shows and edits its secret, a
# social account's links any provider person to anyone, and the provider is set in the
# environment. Second factors change only by the audited reset above; a link to the
# provider may be seen and removed (a person linked wrongly), by a superuser.
for model in (Authenticator, SocialApp, SocialToken, SocialAccount, EmailAddress):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(SocialAccount)
class SingleSignOnLinkAdmin(SeenNotChanged):
    list_display = ("user", "uid", "last_login", "date_joined")
    search_fields = ("user__username", "user__email", "uid")
    fields = ("user", "provider", "uid", "last_login", "date_joined")
    readonly_fields = fields
