import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from ehelsenord.accounts.enums import Role
from ehelsenord.demo.builder import DEMO_PASSWORD, DemoDataError, DemoLoadResult, Outcome, demo_data_load


class Command(BaseCommand):
    help = (
        "Load fictional demo data (demo users for every role, records with two years of history, an "
        "agreement round in several states, its e-mails kept in memory, buddy networks with a plan and "
        "meetings) into a new database. Does nothing "
        "if demo data, users or records are already there."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = demo_data_load()
        except DemoDataError as error:
            raise CommandError(
                _("The reference data is missing. Run “python manage.py load_reference_data” first.")
            ) from error
        if result.outcome == Outcome.ALREADY_LOADED:
            assert result.loaded_at is not None
            loaded = formats.date_format(timezone.localtime(result.loaded_at), "SHORT_DATETIME_FORMAT")
            self.stdout.write(_("Demo data is already loaded (%(loaded)s). Nothing changed.") % {"loaded": loaded})
            self._print_logins(result)
            return
        if result.outcome == Outcome.NOT_EMPTY:
            self.stdout.write(
                _(
                    "The database already has users or records, so no demo data was loaded "
                    "(only a new database gets demo data). Nothing changed."
                )
            )
            return
        self.stdout.write(
            _(
                "Demo data loaded in %(seconds)s s: %(users)s users, %(records)s records for %(municipalities)s "
                "municipalities and %(solutions)s solutions, %(changes)s history entries."
            )
            % {
                "seconds": formats.number_format(time.perf_counter() - started, 1),
                "users": len(result.users),
                "records": formats.number_format(result.records, force_grouping=True),
                "municipalities": result.municipalities,
                "solutions": result.solutions,
                "changes": formats.number_format(result.changes, force_grouping=True),
            }
        )
        self._print_logins(result)

    def _print_logins(self, result: DemoLoadResult) -> None:
        rows = []
        for user in result.users:
            role = str(Role(user.role).label)
            if user.role == Role.NETWORK_ADMIN:
                role = _("%(role)s (also /admin/)") % {"role": role}
            names = [m.name for m in user.municipalities.order_by("-population")]
            if names:
                role = f"{role}, {get_text_list(names, _('and'))}"
            rows.append((role, user.email))
        width = max(len(role) for role, _email in rows)
        self.stdout.write("")
        self.stdout.write(_("Demo users (password: %(password)s)") % {"password": DEMO_PASSWORD})
        for role, email in rows:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
