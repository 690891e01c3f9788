from django.urls import path

from . import views

app_name = "api_pages"

urlpatterns = [
    path("", views.tokens_page, name="tokens"),
    path("integration/", views.integration_create, name="integration_create"),
    path("<int:pk>/tilbagekald/", views.token_revoke, name="token_revoke"),
]
