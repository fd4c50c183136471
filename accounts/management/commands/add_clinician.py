import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import ClinicianError, clinician_add


class Command(BaseCommand):
    help = "Create a verified clinician account and add it to a care team (created if new)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--team", required=True, help="care team name")

    def handle(self, *args, email: str, team: str, **options):
        password = os.environ.get("SIGMD_PASSWORD") or None
        if password is None and options.get("interactive", True) and os.isatty(0):
            password = getpass.getpass("Password for the clinician: ") or None
        if password:
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        try:
            user, care_team = clinician_add(email=email, team_name=team, password=password)
        except ClinicianError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Clinician {user.email} is in care team {care_team.name!r}. "
                "They must set up an authenticator app (TOTP) before seeing patient data."
            )
        )
