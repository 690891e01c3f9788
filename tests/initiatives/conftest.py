from .helpers import today, world  # noqa: F401  (fixtures)
