"""Clients of the LINE Messaging API, pointed at ``LINE_API_ENDPOINT`` (a local fake in tests)."""

from __future__ import annotations

from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, MessagingApiBlob


def messaging_api(endpoint: str, access_token: str, *, retries: int | None = None) -> MessagingApi:
    """``retries=0`` turns urllib3's own retries off, for a caller that retries itself."""
    configuration = Configuration(host=endpoint, access_token=access_token)
    if retries is not None:
        configuration.retries = retries
    return MessagingApi(ApiClient(configuration))


def blob_api(data_endpoint: str, access_token: str) -> MessagingApiBlob:
    """Content uploads (rich-menu images) go to api-data.line.me."""
    return MessagingApiBlob(ApiClient(Configuration(host=data_endpoint, access_token=access_token)))
