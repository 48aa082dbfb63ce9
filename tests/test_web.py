import line_events as ev


def test_health_reports_entries_load_time_and_version(client):
    health = client.get("/healthz").get_json()
    assert health["entries"] == 66
    assert health["version"] == "0.1.0"
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
