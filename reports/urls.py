from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("monthly-run/", views.monthly_run_start, name="monthly-run-start"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/download/", views.document_download, name="document-download"),
    path("<int:pk>/retry/", views.document_retry, name="document-retry"),
]
