from django.urls import path

from . import views

app_name = "risks"
register = "<slug:slug>/"
risk = f"{register}<str:ref>/"
urlpatterns = [
    path("", views.register_list, name="register-list"),
    path("new/", views.register_create, name="register-create"),
    path("outside-appetite/", views.outside_appetite, name="outside-appetite"),
    path(register, views.register_detail, name="register"),
    path(f"{register}edit/", views.register_edit, name="register-edit"),
    path(f"{register}risks/new/", views.risk_create, name="risk-create"),
    path(f"{register}pdf/", views.register_pdf, name="register-pdf"),
    path(f"{register}import/", views.register_import, name="register-import"),
    path(f"{register}import/<uuid:job>/", views.register_import_job, name="register-import-job"),
    path(
        f"{register}import/confirm/", views.register_import_confirm, name="register-import-confirm"
    ),
    path(f"{register}export.xlsx", views.register_export, name="register-export"),
    path(risk, views.risk_detail, name="risk"),
    path(f"{risk}edit/", views.risk_edit, name="risk-edit"),
    path(f"{risk}review/", views.risk_review, name="risk-review"),
]
