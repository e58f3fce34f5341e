from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "title", "status", "attempts", "pages", "requested_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Document._meta.fields]
