"""Everything the bot keeps, behind one class, so SQLite and PostgreSQL are the same code.

The schema is created by the app itself when it starts (each statement ``IF NOT EXISTS``, so
two gunicorn workers starting together do not trip over each other).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import json
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable

log = logging.getLogger(__name__)

# LINE redelivers an event for a limited time; ids older than this cannot come back.
DELIVERED_EVENTS_KEPT_SECONDS = 7 * 24 * 3600

metadata = MetaData()

delivered_events = Table(
    "delivered_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("received_at", Float, nullable=False),
)
Index("delivered_events_received_at", delivered_events.c.received_at)

# What residents asked, already redacted (bot.privacy); ``resident`` is a keyed hash.
questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("asked_at", Float, nullable=False),
    Column("resident", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("entry_id", String(200)),
    Column("score", Float, nullable=False, default=0.0),
    Column("candidates", Text, nullable=False, default="[]"),
)
Index("questions_asked_at", questions.c.asked_at)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question_id", Integer, nullable=False),
    Column("entry_id", String(200)),
    Column("helpful", Boolean, nullable=False),
    Column("given_at", Float, nullable=False),
)
Index("feedback_question_id", feedback.c.question_id)
Index("feedback_given_at", feedback.c.given_at)


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: float
    resident: str
    question: str
    status: str
    entry_id: str | None
    score: float
    candidates: list[dict]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets workers read while one writes; busy_timeout makes writers queue, not fail.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Storage:
    """The bot's database at ``url`` (a SQLAlchemy URL)."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._claims = 0
        self.create_schema()

    def create_schema(self) -> None:
        for attempt in range(3):
            try:
                with self.engine.begin() as connection:
                    for table in metadata.sorted_tables:
                        connection.execute(CreateTable(table, if_not_exists=True))
                        self._add_missing_columns(connection, table)
                        for index in table.indexes:
                            connection.execute(CreateIndex(index, if_not_exists=True))
                return
            except OperationalError:
                # Another worker holds the write lock while creating the same tables.
                if attempt == 2:
                    raise
                time.sleep(0.2)

    @staticmethod
    def _add_missing_columns(connection, table: Table) -> None:
        """Upgrade a database made by an older version: columns added since then are added.

        Columns are only ever added (never renamed or dropped), so this is the whole upgrade.
        """
        present = {column["name"] for column in inspect(connection).get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=connection.dialect)
            default = column.default.arg if column.default is not None and not callable(column.default.arg) else None
            clause = f" NOT NULL DEFAULT {default!r}" if default is not None else ""
            connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{clause}'))
            log.info("database upgraded: %s.%s added", table.name, column.name)

    def claim_event(self, event_id: str, now: float | None = None) -> bool:
        """True the first time ``event_id`` is seen by any worker; False for a redelivery."""
        now = time.time() if now is None else now
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(delivered_events).values(event_id=event_id, received_at=now))
        except IntegrityError:
            return False
        self._claims += 1
        if self._claims % 1000 == 0:
            self.forget_events_before(now - DELIVERED_EVENTS_KEPT_SECONDS)
        return True

    def forget_events_before(self, moment: float) -> int:
        with self.engine.begin() as connection:
            return connection.execute(delete(delivered_events).where(delivered_events.c.received_at < moment)).rowcount

    # -- the question log ---------------------------------------------------------------------
    def log_question(self, *, resident: str, question: str, status: str, entry_id: str | None = None,
                     score: float = 0.0, candidates: list[dict] | None = None, now: float | None = None) -> int:
        """Store one (already redacted) question; returns its id for the feedback buttons."""
        values = dict(
            asked_at=time.time() if now is None else now, resident=resident, question=question, status=status,
            entry_id=entry_id, score=round(score, 1), candidates=json.dumps(candidates or [], ensure_ascii=False),
        )
        with self.engine.begin() as connection:
            return connection.execute(insert(questions).values(**values)).inserted_primary_key[0]

    def question(self, question_id: int) -> LoggedQuestion | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(questions).where(questions.c.id == question_id)).first()
        return _logged(row) if row else None

    def questions_since(self, moment: float) -> list[LoggedQuestion]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(questions).where(questions.c.asked_at >= moment).order_by(questions.c.id))
            return [_logged(row) for row in rows]

    def record_feedback(self, question_id: int, helpful: bool, now: float | None = None) -> bool:
        """Store a 解決した / 解決しない tap; False when the question is no longer in the log."""
        logged = self.question(question_id)
        if logged is None:
            return False
        with self.engine.begin() as connection:
            connection.execute(insert(feedback).values(
                question_id=question_id, entry_id=logged.entry_id, helpful=helpful,
                given_at=time.time() if now is None else now,
            ))
        return True

    def feedback_since(self, moment: float) -> list[tuple[int, str | None, bool, float]]:
        """(question id, entry id, helpful, when) for every tap since ``moment``, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(feedback.c.question_id, feedback.c.entry_id, feedback.c.helpful, feedback.c.given_at)
                .where(feedback.c.given_at >= moment).order_by(feedback.c.id)
            )
            return [tuple(row) for row in rows]

    def forget_questions_before(self, moment: float) -> int:
        """Delete questions (and their feedback) asked before ``moment``; returns how many."""
        with self.engine.begin() as connection:
            old = select(questions.c.id).where(questions.c.asked_at < moment)
            connection.execute(delete(feedback).where(feedback.c.question_id.in_(old)))
            return connection.execute(delete(questions).where(questions.c.asked_at < moment)).rowcount

    def close(self) -> None:
        self.engine.dispose()


def _logged(row) -> LoggedQuestion:
    return LoggedQuestion(
        row.id, row.asked_at, row.resident, row.question, row.status, row.entry_id, row.score, json.loads(row.candidates)
    )
