"""Helpers for the staff console tests: an app with the console on, accounts, signed-in clients."""

from __future__ import annotations

import re

PASSWORD = "sakura-desk-2026"
OTHER_PASSWORD = "another-staff-pass"


def console_env(base: dict, **extra: str) -> dict:
    return {**base, "STAFF_CONSOLE": "1", "STAFF_COOKIE_SECURE": "0", "STAFF_SIGNIN_DELAY": "0", **extra}


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found[1]


def sign_in(client, name: str = "sato", password: str = PASSWORD, **environ):
    token = csrf_of(client.get("/staff/login", **environ).get_data(as_text=True))
    return client.post("/staff/login", data={"name": name, "password": password, "csrf_token": token}, **environ)


def token(client, path: str = "/staff/") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))
