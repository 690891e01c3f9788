"""Single sign-on endpoints. Unnamespaced names, because mozilla-django-oidc reverses them by these names.
Both answer 404 while single sign-on is off."""

from django.urls import path

from .oidc import SignOnCallbackView, SignOnStartView

urlpatterns = [
    path("authenticate/", SignOnStartView.as_view(), name="oidc_authentication_init"),
    path("callback/", SignOnCallbackView.as_view(), name="oidc_authentication_callback"),
]
