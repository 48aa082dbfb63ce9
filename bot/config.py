"""Server settings, read from the environment only: secrets never live in the repository."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Mapping

from .errors import MissingSetting

LINE_API = "https://api.line.me"
LINE_DATA_API = "https://api-data.line.me"
DEFAULT_DATABASE_URL = "sqlite:///var/bot.sqlite3"
REQUIRED = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN")


@dataclass(frozen=True)
class ServerConfig:
    channel_secret: str
    access_token: str
    api_endpoint: str = LINE_API
    data_endpoint: str = LINE_DATA_API
    faq_dir: str = "faq"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: bytes = b""
    snapshot_dir: str = "var/faq-last-good"
    reload_seconds: float = 2.0
    reply_threads: int = 8
    # The staff console (/staff/): off unless STAFF_CONSOLE=1. Its cookie is Secure unless
    # STAFF_COOKIE_SECURE=0 (tests over plain http); each failed sign-in waits this long.
    staff_console: bool = False
    staff_cookie_secure: bool = True
    staff_signin_delay: float = 1.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> "ServerConfig":
        """Settings from ``environ`` (default ``os.environ``); :class:`MissingSetting` names a gap."""
        env = os.environ if environ is None else environ
        for name in REQUIRED:
            if not env.get(name, "").strip():
                raise MissingSetting(name)
        secret = env["LINE_CHANNEL_SECRET"].strip()
        api = (env.get("LINE_API_ENDPOINT") or LINE_API).rstrip("/")
        # Content uploads (rich-menu images) go to api-data.line.me; a local fake serves both.
        data_api = (env.get("LINE_API_DATA_ENDPOINT") or (LINE_DATA_API if api == LINE_API else api)).rstrip("/")
        key = env.get("BOT_SECRET_KEY", "").encode() or hmac.new(secret.encode(), b"bot-secret-key", hashlib.sha256).digest()
        return cls(
            channel_secret=secret,
            access_token=env["LINE_CHANNEL_ACCESS_TOKEN"].strip(),
            api_endpoint=api,
            data_endpoint=data_api,
            faq_dir=env.get("FAQ_DIR") or "faq",
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            secret_key=key,
            snapshot_dir=env.get("FAQ_SNAPSHOT_DIR") or "var/faq-last-good",
            reload_seconds=float(env.get("FAQ_RELOAD_SECONDS") or 2.0),
            reply_threads=int(env.get("REPLY_THREADS") or 8),
            staff_console=env.get("STAFF_CONSOLE", "").strip() == "1",
            staff_cookie_secure=env.get("STAFF_COOKIE_SECURE", "1").strip() != "0",
            staff_signin_delay=float(env.get("STAFF_SIGNIN_DELAY") or 1.0),
        )
