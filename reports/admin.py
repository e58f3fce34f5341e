from django.contrib import admin

from .models import Document, MonthlyRun, ReportingRun


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "title", "status", "attempts", "pages", "requested_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Document._meta.fields]


@admin.register(MonthlyRun)
class MonthlyRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "enabled", "portfolio_pack", "highlight_reports", "risk_registers")
    filter_horizontal = ("programmes", "notify")

    def has_add_permission(self, request):
        # One set of settings, and only for those with the right to add it.
        return super().has_add_permission(request) and not MonthlyRun.objects.exists()


@admin.register(ReportingRun)
class ReportingRunAdmin(admin.ModelAdmin):
    list_display = ("period", "started_at", "last_run_at", "notified_at")
    readonly_fields = ("period", "started_at", "last_run_at", "notified_at", "documents")
