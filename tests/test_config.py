import pytest

from bot.config import ServerConfig
from bot.errors import BadSecretKey, BadSetting, MissingSecretKey, MissingSetting

BOTH = {"LINE_CHANNEL_SECRET": "secret", "LINE_CHANNEL_ACCESS_TOKEN": "token"}


@pytest.mark.parametrize("missing", ["LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"])
def test_a_missing_line_value_is_named(missing):
    with pytest.raises(MissingSetting) as error:
        ServerConfig.from_environ({k: v for k, v in BOTH.items() if k != missing})
    assert str(error.value).startswith(f"{missing} が設定されていません")


def test_defaults_follow_the_design():
    config = ServerConfig.from_environ(BOTH)
    assert config.api_endpoint == "https://api.line.me"
    assert config.data_endpoint == "https://api-data.line.me"
    assert config.faq_dir == "faq"
    assert config.database_url == "sqlite:///var/bot.sqlite3"


def test_a_local_api_endpoint_serves_content_uploads_too():
    config = ServerConfig.from_environ({**BOTH, "LINE_API_ENDPOINT": "http://127.0.0.1:8080/"})
    assert (config.api_endpoint, config.data_endpoint) == ("http://127.0.0.1:8080", "http://127.0.0.1:8080")


def test_the_secret_key_is_derived_from_the_channel_secret_unless_set():
    derived = ServerConfig.from_environ(BOTH).secret_key
    assert derived and derived != b"secret"
    assert ServerConfig.from_environ({**BOTH, "BOT_SECRET_KEY": "k"}).secret_key == b"k"


LOCAL = {**BOTH, "LINE_API_ENDPOINT": "http://127.0.0.1:8080"}


def test_a_hex_secret_key_is_read_as_bytes():
    assert ServerConfig.from_environ({**BOTH, "BOT_SECRET_KEY": "hex:00ff10"}).secret_key == b"\x00\xff\x10"


def test_a_hex_secret_key_that_is_not_hex_is_refused():
    with pytest.raises(BadSecretKey):
        ServerConfig.from_environ({**BOTH, "BOT_SECRET_KEY": "hex:xyz"})


def test_no_forwarded_address_is_believed_unless_proxies_are_named():
    assert ServerConfig.from_environ(BOTH).trusted_proxies == 0
    assert ServerConfig.from_environ({**BOTH, "TRUSTED_PROXIES": " 1 "}).trusted_proxies == 1


@pytest.mark.parametrize("value", ["yes", "-1", "6", "１"])
def test_a_proxy_count_that_is_not_0_to_5_is_refused_and_says_what_is_valid(value):
    with pytest.raises(BadSetting) as error:
        ServerConfig.from_environ({**BOTH, "TRUSTED_PROXIES": value})
    assert str(error.value) == (
        f"TRUSTED_PROXIES の値「{value}」は使えません — 前にあるリバースプロキシの数を 0 から 5 の数字で書いてください（ふつうは 1）"
    )


def test_answering_real_residents_without_a_secret_key_is_refused():
    with pytest.raises(MissingSecretKey) as refused:
        ServerConfig.from_environ(BOTH).check_secret_key()
    assert str(refused.value).startswith("BOT_SECRET_KEY が設定されていません")


@pytest.mark.parametrize("environ", [{**BOTH, "BOT_SECRET_KEY": "k"}, {**BOTH, "BOT_ALLOW_DERIVED_KEY": "1"}, LOCAL])
def test_a_set_key_an_explicit_allowance_or_a_local_api_may_start(environ):
    ServerConfig.from_environ(environ).check_secret_key()


def test_the_printed_key_pinned_keeps_every_pseudonym_when_the_channel_secret_changes(runner, monkeypatch):
    from bot.cli import cli
    from bot.privacy import resident_key

    for name, value in BOTH.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BOT_SECRET_KEY", raising=False)
    printed = runner.invoke(cli, ["secret-key"])
    assert printed.exit_code == 0 and printed.output.startswith("hex:") and len(printed.output.strip()) == 4 + 64
    before = ServerConfig.from_environ(BOTH).secret_key
    after = ServerConfig.from_environ({**BOTH, "LINE_CHANNEL_SECRET": "rotated", "BOT_SECRET_KEY": printed.output.strip()}).secret_key
    assert resident_key("U0123", after) == resident_key("U0123", before)
