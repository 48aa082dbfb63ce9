import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.loader import load_faq
from bot.matcher import Matcher
from bot.replies import Responder

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
