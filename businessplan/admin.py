from django.contrib import admin

from .models import Activity, BusinessPlan, OwnerRole, Section, StrategicAim


class AimInline(admin.TabularInline):
    model = StrategicAim
    extra = 0


@admin.register(BusinessPlan)
class BusinessPlanAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "organisation", "status")
    inlines = [AimInline]


@admin.register(OwnerRole)
class OwnerRoleAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("users",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("ref", "section", "status", "priority", "owner")
    list_filter = ("section__plan", "status", "priority")
    search_fields = ("ref", "title")
    autocomplete_fields = ("project",)


admin.site.register(Section)
