"""The few LINE user ids kept at all (to push a class reminder), encrypted at rest.

Fernet (from ``cryptography``) with a key derived from ``BOT_SECRET_KEY``: a copy of the
database alone does not reveal who booked.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class UserIdBox:
    """Seals text under a key derived from ``secret_key`` and ``purpose``: one key per use, so a
    sealed reminder id and a sealed queued event (bot.line.backlog) cannot be swapped."""

    def __init__(self, secret_key: bytes, purpose: bytes = b"user-id-box"):
        key = hashlib.sha256(purpose + b"\0" + secret_key).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, user_id: str) -> str:
        return self._fernet.encrypt(user_id.encode()).decode()

    def open(self, token: str) -> str | None:
        """The user id, or None when the token was made with another key or is damaged."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except (InvalidToken, ValueError):
            return None
