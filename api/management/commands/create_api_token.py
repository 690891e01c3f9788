"""manage.py create_api_token --user NAME --scope read|write [--name …] [--days N]: prints a new token, once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken
from api.tokens import DEFAULT_DAYS, token_create


class Command(BaseCommand):
    help = "Create an API token for a user (an integration or a person) and print it. It is shown only this once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The token's owner (user name)")
        parser.add_argument("--scope", required=True, choices=ApiToken.Scope.values)
        parser.add_argument("--name", default="", help="What the token is for (default: 'command line')")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"Days valid (default {DEFAULT_DAYS})")

    def handle(self, *args, user, scope, name, days, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            token, raw = token_create(owner=owner, scope=scope, name=name or "command line", days=days, by=None)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stderr.write(
            f"Token {token.prefix}… for {owner.username}, scope {scope}, expires {token.expires_at:%Y-%m-%d}. "
            "Store it now: it is not shown again."
        )
        self.stdout.write(raw)
