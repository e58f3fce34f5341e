from django.urls import path

from . import views

app_name = "businessplan"
plan = "<str:year>/"
section = f"{plan}<slug:section>/"
activity = f"{section}<str:ref>/"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    path(plan, views.plan_detail, name="plan"),
    path(f"{plan}edit/", views.plan_edit, name="plan-edit"),
    path(f"{plan}changes/", views.changes, name="changes"),
    path(f"{plan}import/", views.plan_import, name="plan-import"),
    path(f"{plan}import/<uuid:job>/", views.plan_import_job, name="plan-import-job"),
    path(f"{plan}import/confirm/", views.plan_import_confirm, name="plan-import-confirm"),
    path(f"{plan}pdf/", views.plan_pdf, name="plan-pdf"),
    path(f"{plan}export.xlsx", views.plan_export, name="plan-export"),
    path(section, views.section_detail, name="section"),
    path(activity, views.activity_detail, name="activity"),
    path(f"{activity}update/", views.activity_update, name="activity-update"),
]
