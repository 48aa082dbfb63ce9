"""The Flask app: ``create_app()`` is what gunicorn runs (see the Procfile)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from flask import Flask, current_app, jsonify
from linebot.v3.webhook import WebhookParser

from . import __version__
from .config import ServerConfig
from .content.source import FaqSource
from .dialogue.replies import Responder
from .line.delivery import Dispatcher, ReplySender
from .line.health import WriteProbe, health_status
from .storage import Storage


def _configure_logging() -> None:
    logger = logging.getLogger("bot")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
        logger.propagate = False


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment; ``test_config`` overrides environment variables.

    Raises :class:`~bot.errors.MissingSetting` when a LINE secret is missing,
    :class:`~bot.errors.MissingSecretKey` when it would answer real residents without
    ``BOT_SECRET_KEY``, and :class:`~bot.errors.FaqError` when the FAQ folder cannot be loaded at all.
    """
    _configure_logging()
    environ = dict(os.environ)
    environ.update(test_config or {})
    config = ServerConfig.from_environ(environ)
    config.check_secret_key()
    if config.derived_key:
        logging.getLogger("bot").warning(
            "BOT_SECRET_KEY is not set: resident keys are derived from LINE_CHANNEL_SECRET, so rotating the "
            "channel secret would lose every resident's bookings; set BOT_SECRET_KEY (see README, Secrets)"
        )

    app = Flask(__name__)
    # LINE's webhook bodies are a few kilobytes; anything near this is not from LINE.
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.json.ensure_ascii = False  # staff read /healthz; Japanese stays readable
    app.config["BOT"] = config
    if config.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the addresses the town's own proxies added are believed, the last N of the header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)
    source = FaqSource(config.faq_dir, config.snapshot_dir, build=Responder)
    storage = Storage(config.database_url)
    sender = ReplySender(config.api_endpoint, config.access_token)
    app.extensions["faq_source"] = source
    app.extensions["storage"] = storage
    app.extensions["line_parser"] = WebhookParser(config.channel_secret)
    app.extensions["dispatcher"] = Dispatcher(source, storage, sender, config.secret_key, config.reply_threads)
    app.extensions["write_probe"] = WriteProbe(storage)
    app.extensions["dispatcher"].start()  # in each gunicorn worker: the app is built after the fork
    if config.reload_seconds > 0:
        source.watch(config.reload_seconds)

    from .line import webhook

    app.register_blueprint(webhook.blueprint)
    app.add_url_rule("/healthz", view_func=healthz)
    app.register_error_handler(400, _plain_error)
    app.register_error_handler(404, _plain_error)
    app.register_error_handler(405, _plain_error)
    app.register_error_handler(413, _plain_error)
    if config.staff_console:
        from .staff.console import init_console

        init_console(app, config)
    logging.getLogger("bot").info(
        "bot %s ready: %d entries from %s", __version__, len(source.responder.faq.entries), config.faq_dir
    )
    return app


def _plain_error(error):
    return jsonify(error=error.description), error.code


def _iso(moment: float | None) -> str | None:
    return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(timespec="seconds") if moment else None


def healthz():
    """FAQ, database and reply state; 503 when the bot cannot record and answer (the database
    refuses a write, or the last replies all failed), so a load balancer stops sending residents
    to an instance that cannot keep its promises. Public: no paths, no error texts."""
    source: FaqSource = current_app.extensions["faq_source"]
    loaded = source.loaded
    faq = loaded.responder.faq
    database = current_app.extensions["write_probe"]()
    replies_failing = current_app.extensions["dispatcher"].sender.outcomes.failing()
    status, code = health_status(database, replies_failing)
    return jsonify(
        status=status,
        database=database,
        replies="failing" if replies_failing else "ok",
        version=__version__,
        entries=len(faq.entries),
        categories=len(faq.categories),
        loaded_at=_iso(loaded.loaded_at),
        load_seconds=round(loaded.load_seconds, 3),
        last_error=[_public(problem) for problem in source.last_error] or None,
        last_error_at=_iso(source.last_error_at),
        classes=len(faq.classes),
    ), code


def _public(problem) -> str:
    """``file:line: message`` with the file's name only: where the bot runs is nobody's business."""
    name = Path(problem.file).name
    return f"{name}:{problem.line}: {problem.message.replace(str(problem.file), name)}"
