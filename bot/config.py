"""Server settings, read from the environment only: secrets never live in the repository."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import BadSecretKey, BadSetting, MissingSecretKey, MissingSetting

LINE_API = "https://api.line.me"
LINE_DATA_API = "https://api-data.line.me"
DEFAULT_DATABASE_URL = "sqlite:///var/bot.sqlite3"
REQUIRED = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN")
HEX_PREFIX = "hex:"
# More reverse proxies in a row than this is a mistake, not a network.
MAX_TRUSTED_PROXIES = 5


def secret_key_from(value: str, channel_secret: str) -> bytes:
    """The key ``BOT_SECRET_KEY`` names: its text, ``hex:…`` bytes (what ``bot secret-key``
    prints), or when unset the key derived from the channel secret, as before it was required."""
    value = value.strip()
    if value.startswith(HEX_PREFIX):
        try:
            return bytes.fromhex(value[len(HEX_PREFIX):])
        except ValueError:
            raise BadSecretKey() from None
    return value.encode() or hmac.new(channel_secret.encode(), b"bot-secret-key", hashlib.sha256).digest()


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
    # Sending a reply is waiting on LINE: a backlog behind a slow API drains by parallel sends.
    reply_threads: int = 16
    derived_key: bool = False  # BOT_SECRET_KEY unset: the key follows the channel secret
    allow_derived_key: bool = False
    # The staff console (/staff/): off unless STAFF_CONSOLE=1. Its cookie is Secure unless
    # STAFF_COOKIE_SECURE=0 (tests over plain http); each failed sign-in waits this long.
    staff_console: bool = False
    staff_cookie_secure: bool = True
    staff_signin_delay: float = 1.0
    # Reverse proxies in front that append to X-Forwarded-For (TRUSTED_PROXIES): the console's
    # per-address lock and audit log then see the resident's or staff member's address, not the
    # proxy's. 0 trusts no forwarded header (a client could write any address into it).
    trusted_proxies: int = 0

    @property
    def serves_residents(self) -> bool:
        """True when replies go to LINE's own Messaging API, i.e. to real residents; a test or a
        development setup points LINE_API_ENDPOINT at a local fake."""
        return self.api_endpoint == LINE_API

    def check_secret_key(self) -> None:
        """Refuse (:class:`MissingSecretKey`) to serve real residents with a key that would
        change with the channel secret, unless ``BOT_ALLOW_DERIVED_KEY=1`` says so on purpose."""
        if self.derived_key and self.serves_residents and not self.allow_derived_key:
            raise MissingSecretKey()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ServerConfig:
        """Settings from ``environ`` (default ``os.environ``); :class:`MissingSetting` names a gap."""
        env = os.environ if environ is None else environ
        for name in REQUIRED:
            if not env.get(name, "").strip():
                raise MissingSetting(name)
        secret = env["LINE_CHANNEL_SECRET"].strip()
        api = (env.get("LINE_API_ENDPOINT") or LINE_API).rstrip("/")
        # Content uploads (rich-menu images) go to api-data.line.me; a local fake serves both.
        data_api = (env.get("LINE_API_DATA_ENDPOINT") or (LINE_DATA_API if api == LINE_API else api)).rstrip("/")
        key = secret_key_from(env.get("BOT_SECRET_KEY", ""), secret)
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
            reply_threads=int(env.get("REPLY_THREADS") or 16),
            derived_key=not env.get("BOT_SECRET_KEY", "").strip(),
            allow_derived_key=env.get("BOT_ALLOW_DERIVED_KEY", "").strip() == "1",
            staff_console=env.get("STAFF_CONSOLE", "").strip() == "1",
            staff_cookie_secure=env.get("STAFF_COOKIE_SECURE", "1").strip() != "0",
            staff_signin_delay=float(env.get("STAFF_SIGNIN_DELAY") or 1.0),
            trusted_proxies=_proxy_count(env.get("TRUSTED_PROXIES", "")),
        )


def _proxy_count(value: str) -> int:
    """TRUSTED_PROXIES: how many proxies stand in front, 0 to 5 (empty: 0)."""
    text = value.strip() or "0"
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_TRUSTED_PROXIES:
        raise BadSetting("TRUSTED_PROXIES", value, f"前にあるリバースプロキシの数を 0 から {MAX_TRUSTED_PROXIES} の数字で書いてください（ふつうは 1）")
    return int(text)
