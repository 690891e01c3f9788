"""Password sign-in for people only: an integration (a user of kind *system*) reaches the API with a token and never
signs in with a password, even if one was set on it."""

from django.contrib.auth.backends import ModelBackend

from .access import is_system_user


class PersonBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not is_system_user(user)
