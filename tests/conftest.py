import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.content.loader import load_faq
from bot.dialogue.replies import Responder
from bot.engine.matcher import Matcher

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_FAQ = ROOT / "faq"


@pytest.fixture(scope="session")
def faq():
    return load_faq(SHIPPED_FAQ)


@pytest.fixture(scope="session")
def matcher(faq):
    return Matcher(faq)


@pytest.fixture(scope="session")
def responder(faq, matcher):
    return Responder(faq, matcher)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def faq_copy(tmp_path):
    """A copy of the shipped FAQ folder that a test may break."""
    target = tmp_path / "faq"
    shutil.copytree(SHIPPED_FAQ, target)
    return target


MINIMAL_CATEGORY = """\
category: テスト
entries:
  - id: card-lost
    question: カードをなくしたときは？
    alternates: [カードを落とした]
    answer: |
      フリーダイヤルに電話してください。
"""


@pytest.fixture
def small_faq(tmp_path):
    """A folder with one sound category; tests overwrite or add files."""
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "10-test.yaml").write_text(MINIMAL_CATEGORY, encoding="utf-8")
    return folder


def wait_until(condition, timeout: float = 20.0, every: float = 0.1) -> None:
    """Poll ``condition`` every ``every`` seconds until it holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"condition not met in {timeout} s"
        time.sleep(every)


# -- databases ------------------------------------------------------------------------------
import postgres_server  # noqa: E402


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the whole run, from the machine's binaries; skipped, saying why,
    where there are none."""
    reason = postgres_server.why_not()
    if reason:
        pytest.skip(reason)
    server = postgres_server.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, then a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bot.sqlite3"
    return request.getfixturevalue("postgres").new_database()


# -- the LINE service ----------------------------------------------------------------------
from fake_line import FakeLineApi  # noqa: E402
from gunicorn_server import GunicornServer  # noqa: E402
from line_events import ACCESS_TOKEN, CHANNEL_SECRET  # noqa: E402


@pytest.fixture(scope="session")
def line_api():
    fake = FakeLineApi(ACCESS_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_api(line_api):
    """The fake Messaging API, emptied and back to normal behaviour for each test."""
    line_api.reset()
    yield line_api
    line_api.reset()


def server_env(line_api, tmp_path, faq_dir=SHIPPED_FAQ) -> dict[str, str]:
    return {
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_ENDPOINT": line_api.url,
        "FAQ_DIR": str(faq_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3",
        "FAQ_RELOAD_SECONDS": "0.5",
        "FAQ_SNAPSHOT_DIR": str(tmp_path / "faq-last-good"),
    }


@pytest.fixture(scope="module")
def server(line_api, tmp_path_factory):
    """gunicorn with two workers on the shipped FAQ, talking to the fake Messaging API."""
    tmp_path = tmp_path_factory.mktemp("server")
    running = GunicornServer(server_env(line_api, tmp_path), tmp_path / "gunicorn.log").start()
    yield running
    running.stop()


@pytest.fixture
def app(line_api, tmp_path):
    from bot.web import create_app

    app = create_app({**server_env(line_api, tmp_path), "FAQ_RELOAD_SECONDS": "0"})
    yield app
    app.extensions["dispatcher"].shutdown()


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_terminal_summary(terminalreporter):
    """Say where the staff console's browser tests left their screenshots."""
    folder = ROOT / "var" / "screenshots"
    if folder.is_dir() and any(folder.glob("*.png")):
        terminalreporter.write_line(f"staff console screenshots: {folder}")
