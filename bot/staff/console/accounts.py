"""Staff accounts of the console: passwords are kept only as argon2 hashes.

``bot staff add NAME`` and the sign-in page both come here; nothing else sees a password.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ...errors import AccountError
from ...storage import Storage

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200

_hasher = PasswordHasher()
# Checked when the name is unknown, so that a wrong name takes as long as a wrong password.
_UNKNOWN = _hasher.hash("no account has this password")


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise AccountError("名前は英数字で始まり、英数字・点・ハイフン・下線だけの64文字以内にしてください（例: sato）")
    return name


def check_new_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"パスワードが短すぎます — {MIN_PASSWORD_LENGTH}文字以上にしてください")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"パスワードが長すぎます — {MAX_PASSWORD_LENGTH}文字以内にしてください")
    return password


def add_account(storage: Storage, name: str, password: str) -> bool:
    """Create the account or give it a new password (ending its sessions); True when created."""
    return storage.set_staff_password(check_name(name), _hasher.hash(check_new_password(password)))


def verify(storage: Storage, name: str, password: str) -> bool:
    """True when ``name`` is an account and ``password`` is its password."""
    account = storage.staff_account(name) if NAME_PATTERN.match(name) else None
    try:
        _hasher.verify(account.password_hash if account else _UNKNOWN, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return False
    return account is not None
