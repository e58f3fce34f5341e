from django.contrib import admin
from django.core.exceptions import ValidationError

from projects.forms import GuardedInlineFormSet

from .models import (
    CorporatePriority,
    RiskBand,
    RiskCategory,
    RiskMatrix,
    RiskRegister,
)
from .scoring import matrix_problems


class BandFormSet(GuardedInlineFormSet):
    def clean(self):
        super().clean()
        bands = [
            RiskBand(**{k: f.cleaned_data[k] for k in ("min_score", "max_score")})
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        problems = matrix_problems(self.instance, bands)
        if problems:
            raise ValidationError(problems)


class RiskBandInline(admin.TabularInline):
    model = RiskBand
    formset = BandFormSet
    extra = 0


@admin.register(RiskMatrix)
class RiskMatrixAdmin(admin.ModelAdmin):
    list_display = ("name", "is_default")
    inlines = [RiskBandInline]


@admin.register(RiskCategory)
class RiskCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "appetite", "tolerated_level")
    list_editable = ("appetite", "tolerated_level")


admin.site.register(CorporatePriority)


@admin.register(RiskRegister)
class RiskRegisterAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "matrix", "owner")
    prepopulated_fields = {"slug": ("name",)}
