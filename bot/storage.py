"""Everything the bot keeps, behind one class, so SQLite and PostgreSQL are the same code.

The schema is created by the app itself when it starts (each statement ``IF NOT EXISTS``, so
two gunicorn workers starting together do not trip over each other).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    insert,
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
                        for index in table.indexes:
                            connection.execute(CreateIndex(index, if_not_exists=True))
                return
            except OperationalError:
                # Another worker holds the write lock while creating the same tables.
                if attempt == 2:
                    raise
                time.sleep(0.2)

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

    def close(self) -> None:
        self.engine.dispose()
