import pytest

from bot.config import ServerConfig
from bot.errors import MissingSetting

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
