"""A fake LINE Messaging API on 127.0.0.1 that records what the bot sends and checks it.

It refuses, as LINE does, a request without the bearer token or a reply over LINE's limits,
so a test that only counts requests still catches a malformed reply. Behaviour can be
changed while it runs: ``delay`` seconds before answering, ``fail_next`` statuses to answer
with first. As LINE, it accepts a reply token once: a second reply with it gets 400.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def reply_problems(body: dict) -> list[str]:
    """What LINE would refuse in a reply request body; empty when it is acceptable."""
    problems = []
    if not body.get("replyToken"):
        problems.append("replyToken missing")
    messages = body.get("messages") or []
    if not 1 <= len(messages) <= 5:
        problems.append(f"{len(messages)} messages (1 to 5 allowed)")
    for message in messages:
        if message.get("type") == "text" and not 1 <= utf16_units(message.get("text", "")) <= 5000:
            problems.append("text length out of 1..5000 UTF-16 units")
        if message.get("type") == "flex":
            problems.extend(flex_problems(message))
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            problems.append(f"{len(items)} quick-reply items (13 allowed)")
        for item in items:
            action = item.get("action", {})
            if not 1 <= len(action.get("label", "")) <= 20:
                problems.append(f"label {action.get('label')!r} not 1..20 characters")
            if action.get("type") == "postback" and len(action.get("data", "")) > 300:
                problems.append("postback data over 300 characters")
    return problems


def flex_problems(message: dict) -> list[str]:
    problems = []
    if not 1 <= len(message.get("altText", "")) <= 400:
        problems.append("altText not 1..400 characters")
    contents = message.get("contents", {})
    bubbles = contents.get("contents", []) if contents.get("type") == "carousel" else [contents]
    if len(bubbles) > 12:
        problems.append(f"{len(bubbles)} bubbles in a carousel (12 allowed)")
    for bubble in bubbles:
        if len(json.dumps(bubble, ensure_ascii=False).encode()) > 30 * 1024:
            problems.append("a bubble over 30 KB")
        for action in _actions(bubble):
            if not 1 <= len(action.get("label", "")) <= 20:
                problems.append(f"button label {action.get('label')!r} not 1..20 characters")
            if action.get("type") == "postback" and len(action.get("data", "")) > 300:
                problems.append("postback data over 300 characters")
    return problems


def _actions(node) -> list[dict]:
    if isinstance(node, dict):
        found = [node["action"]] if isinstance(node.get("action"), dict) else []
        return found + [a for value in node.values() for a in _actions(value)]
    if isinstance(node, list):
        return [a for value in node for a in _actions(value)]
    return []


class FakeLineApi:
    def __init__(self, access_token: str = "test-access-token"):
        self.access_token = access_token
        self.requests: list[dict] = []
        self.delay = 0.0
        self.fail_next: list[int] = []
        self.retry_keys: set[str] = set()
        self.used_tokens: set[str] = set()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeLineApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.delay = 0.0
            self.fail_next.clear()
            self.retry_keys.clear()
            self.used_tokens.clear()

    def replies(self) -> list[dict]:
        """Reply requests that LINE would have accepted, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r["path"] == "/v2/bot/message/reply" and r["status"] == 200]

    def pushes(self) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["path"] == "/v2/bot/message/push"]

    def wait_for_replies(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                accepted = [r for r in self.requests if r["path"] == "/v2/bot/message/reply" and r["status"] == 200]
                remaining = deadline - time.monotonic()
                if len(accepted) >= count or remaining <= 0:
                    return accepted
                self._arrived.wait(remaining)

    def _record(self, entry: dict) -> None:
        with self._arrived:
            self.requests.append(entry)
            self._arrived.notify_all()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def setup(self):
                super().setup()
                # Headers and body leave in two writes; without this, Nagle and delayed ACK
                # add 40 ms to every call, which is the fake's delay, not the bot's.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the caller was killed (tests do that)
                    self.close_connection = True

            def _handle(self, method: str) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                content_type = self.headers.get("Content-Type", "")
                body = json.loads(raw) if raw and content_type.startswith("application/json") else raw
                with fake._lock:
                    delay = fake.delay
                    failure = fake.fail_next.pop(0) if fake.fail_next else None
                if delay:
                    time.sleep(delay)
                status, payload = self._respond(method, body, failure)
                fake._record({
                    "method": method,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "status": status,
                    "at": time.monotonic(),
                })
                self._answer(status, payload)

            def _respond(self, method: str, body, failure: int | None) -> tuple[int, dict]:
                if self.headers.get("Authorization") != f"Bearer {fake.access_token}":
                    return 401, {"message": "Authentication failed"}
                if failure is not None:
                    return failure, {"message": "fake failure"}
                if self.path == "/v2/bot/message/reply":
                    problems = reply_problems(body)
                    if problems:
                        return 400, {"message": "; ".join(problems)}
                    with fake._lock:  # as LINE: a reply token is accepted once
                        if body["replyToken"] in fake.used_tokens:
                            return 400, {"message": "Invalid reply token"}
                        fake.used_tokens.add(body["replyToken"])
                    return 200, {"sentMessages": [{"id": str(n), "quoteToken": "q"} for n, _ in enumerate(body["messages"])]}
                if self.path == "/v2/bot/message/push":
                    key = self.headers.get("X-Line-Retry-Key")
                    with fake._lock:
                        if key and key in fake.retry_keys:  # as LINE: the same retry key is accepted once
                            return 409, {"message": "The retry key is already accepted"}
                        if key:
                            fake.retry_keys.add(key)
                    problems = reply_problems({**body, "replyToken": "push"})
                    if problems or not str(body.get("to", "")).startswith("U"):
                        return 400, {"message": "; ".join(problems) or "bad recipient"}
                    return 200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
                if self.path == "/v2/bot/richmenu" and method == "POST":
                    return 200, {"richMenuId": "richmenu-fake-1"}
                return 200, {}

            def do_POST(self):
                self._handle("POST")

            def do_GET(self):
                self._handle("GET")

            def do_DELETE(self):
                self._handle("DELETE")

        return Handler
