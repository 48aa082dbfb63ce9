from importlib import metadata

from sqlalchemy import create_engine

import line_events as ev
from bot import __version__


def test_health_reports_entries_load_time_and_version(client, faq):
    health = client.get("/healthz").get_json()
    assert health["entries"] == len(faq.entries)
    assert health["version"] == __version__ == metadata.version("line-digital-desk-bot")
    assert health["loaded_at"].endswith("+00:00") and health["load_seconds"] > 0
    assert health["last_error"] is None


def test_the_verification_call_gets_200(client):
    body = ev.body_of()
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)}).status_code == 200


def test_no_signature_is_400_saying_so(client):
    response = client.post("/callback", data=ev.body_of(ev.text("メニュー")))
    assert (response.status_code, response.get_json()) == (400, {"error": "X-Line-Signature がありません"})


def test_a_signature_made_with_another_secret_is_400(client):
    body = ev.body_of(ev.text("メニュー"))
    response = client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, "other-secret")})
    assert (response.status_code, response.get_json()) == (400, {"error": "署名が正しくありません"})


def test_broken_json_with_a_good_signature_is_400(client):
    body = b'{"events": [{"type": "message",'
    response = client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)})
    assert (response.status_code, response.get_json()) == (400, {"error": "LINE の Webhook の形式ではありません"})


def test_get_on_the_webhook_is_405_not_500(client):
    assert client.get("/callback").status_code == 405


def test_health_says_the_database_answers(client):
    assert client.get("/healthz").get_json()["database"] == "ok"


def test_health_is_503_when_the_database_is_gone(app, client):
    app.extensions["storage"].engine.dispose()
    app.extensions["storage"].engine = create_engine("sqlite:////nonexistent-dir/x.sqlite3")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_a_body_far_larger_than_any_webhook_is_refused(client):
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)}).status_code == 413
