"""Encrypt TOTP secrets and recovery-code seeds stored in plaintext before SIGMD_MFA_KEYS."""

from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from accounts.secrets import authenticator_data_map, is_encrypted, mfa_encrypt

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = authenticator_data_map(
            authenticator.type,
            authenticator.data,
            lambda value: value if is_encrypted(value) else mfa_encrypt(value),
        )
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def decrypt_existing(apps, schema_editor):
    from accounts.secrets import authenticator_data_map, is_encrypted, mfa_decrypt

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        authenticator.data = authenticator_data_map(
            authenticator.type,
            authenticator.data,
            lambda value: mfa_decrypt(value) if is_encrypted(value) else value,
        )
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_existing, decrypt_existing)]
