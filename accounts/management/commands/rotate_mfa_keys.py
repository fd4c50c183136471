from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.secrets import SECRET_FIELDS, authenticator_data_map, mfa_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every TOTP secret and recovery-code seed under the first key of "
        "SIGMD_MFA_KEYS (after putting a new key first); then the old key can be dropped."
    )

    def handle(self, *args, **options):
        rotated = 0
        with transaction.atomic():
            rows = Authenticator.objects.select_for_update().filter(type__in=list(SECRET_FIELDS))
            for authenticator in rows:
                authenticator.data = authenticator_data_map(
                    authenticator.type, authenticator.data, mfa_rotate
                )
                authenticator.save(update_fields=["data"])
                rotated += 1
        self.stdout.write(f"Re-encrypted the secrets of {rotated} authenticator(s) under the first key.")
