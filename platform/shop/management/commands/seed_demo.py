"""Load the demo merchant, its synthetic catalogue, a demo shopper and an operator. Idempotent.

Every demo login gets its own random password when it is created, shown once (the operator is
a superuser: sharing the shopper's password would hand anyone who saw the shop's login the
whole admin). Running the command again keeps the passwords; `--reset-passwords` issues new
ones, shown once again.
"""

import io
import os
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog.models import Garment, Merchant, MerchantStaff
from catalog.services import catalog_import_run, merchant_staff_group_ensure
from shop.demo_catalogue import demo_catalogue_files
from shoppers.models import Shopper
from shoppers.services import shopper_sign_up

# The one password every demo login shared before: logins still holding it get their own.
LEGACY_SHARED_PASSWORD_ENV = "FITTINGROOM_DEMO_PASSWORD"  # noqa: S105 (a variable name)


@dataclass(frozen=True)
class DemoLogin:
    """A demo login whose password was just issued (the only moment it can be shown)."""

    username: str
    password: str
    login_path: str


def demo_password_new() -> str:
    """A random password (96 bits), easy to copy from a terminal."""
    return "try-" + secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = "Create the demo merchant, catalogue (synthetic images) and logins."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Passwords issued by the last run, for a caller that shows them (`manage.py up`).
        self.new_logins: list[DemoLogin] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo login a new random password (printed once).",
        )

    def handle(self, *args: Any, reset_passwords: bool = False, **options: Any) -> None:
        merchant, _ = Merchant.objects.get_or_create(
            slug="demo-atelier", defaults={"name": "Demo Atelier"}
        )
        staff_group = merchant_staff_group_ensure()
        user_model = get_user_model()
        legacy = os.environ.get(LEGACY_SHARED_PASSWORD_ENV, "")
        self.new_logins = []

        def password_issue(user: Any, created: bool, login_path: str) -> None:
            """A new password for a login just created, asked for, or still on the old
            shared one; an existing login's password is otherwise left as it is."""
            if created or reset_passwords or (legacy and user.check_password(legacy)):
                password = demo_password_new()
                user.set_password(password)
                user.save(update_fields=["password"])
                self.new_logins.append(DemoLogin(user.username, password, login_path))

        with transaction.atomic():
            staff, created = user_model.objects.get_or_create(
                username="demo-merchant", defaults={"is_staff": True}
            )
            password_issue(staff, created, "/admin/")
            staff.groups.add(staff_group)
            MerchantStaff.objects.get_or_create(user=staff, defaults={"merchant": merchant})
            operator, created = user_model.objects.get_or_create(
                username="operator", defaults={"is_staff": True, "is_superuser": True}
            )
            password_issue(operator, created, "/admin/")
        shopper = Shopper.objects.filter(user__username="demo-shopper").select_related("user")
        if not shopper.exists():
            password = demo_password_new()
            shopper_sign_up(username="demo-shopper", password=password, display_name="Demo Shopper")
            self.new_logins.append(DemoLogin("demo-shopper", password, "/account/login/"))
        else:
            password_issue(shopper.get().user, False, "/account/login/")

        files = demo_catalogue_files()
        result = catalog_import_run(
            merchant=merchant,
            csv_file=_named(files.csv_bytes, "demo-catalogue.csv"),
            zip_file=_named(files.zip_bytes, "demo-images.zip"),
        )
        if result.errors:
            raise CommandError(f"The demo catalogue did not import cleanly: {result.errors[:3]}")
        Garment.objects.filter(merchant=merchant, sku__startswith="DEMO-").update(is_synthetic=True)
        self.stdout.write(
            f"Demo catalogue: {result.created_count} new, {result.updated_count} updated, "
            f"{result.unchanged_count} unchanged garments."
        )
        if self.new_logins and options.get("verbosity", 1) >= 1:
            # Shown this once only: the database keeps hashes. (`manage.py up` runs this
            # quietly and shows them in its banner instead.)
            self.stdout.write("Demo logins (new passwords, shown only now):")
            for login in self.new_logins:
                self.stdout.write(
                    f"  {login.login_path}  user: {login.username}  password: {login.password}"
                )


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle
