from tests.initiatives.helpers import today, world  # noqa: F401  (fixtures)
