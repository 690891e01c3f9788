"""Password sign-in for people only: an integration (a user of kind *system*) reaches the API with a token and never
signs in with a password, even if one was set on it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .access import is_system_user


class PersonBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not is_system_user(user)

    def get_user(self, user_id):
        """The signed-in user of a session, read with its profile in the same query: Django asks
        `user_can_authenticate` on every request, and the kind check must not cost a query of its own."""
        try:
            user = get_user_model()._default_manager.select_related("profile").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
