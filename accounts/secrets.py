"""TOTP secrets and recovery-code seeds at rest: Fernet tokens under `SIGMD_MFA_KEYS`.

The first key encrypts, every key decrypts (MultiFernet), so a key is rotated by putting a new
key first, running `manage.py rotate_mfa_keys`, then dropping the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# The fields of allauth's Authenticator.data that hold secrets, per authenticator type.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def _keys() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.SIGMD_MFA_KEYS])


def mfa_encrypt(text: str) -> str:
    return _keys().encrypt(text.encode()).decode()


def mfa_decrypt(token: str) -> str:
    return _keys().decrypt(token.encode()).decode()


def mfa_rotate(token: str) -> str:
    """The same secret, encrypted under the first key."""
    return _keys().rotate(token.encode()).decode()


def is_encrypted(value: str) -> bool:
    try:
        mfa_decrypt(value)
    except InvalidToken:
        return False
    return True


def authenticator_data_map(kind: str, data: dict, change) -> dict:
    """`data` with `change` applied to each secret field of that authenticator type."""
    changed = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(changed.get(field), str):
            changed[field] = change(changed[field])
    return changed
