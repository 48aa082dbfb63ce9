"""Everything the bot keeps, behind one class, so SQLite and PostgreSQL are the same code.

The schema is created by the app itself when it starts. Any number of workers and instances
may start at once on a fresh database: on PostgreSQL the creation runs under a transaction-level
advisory lock (``CREATE TABLE IF NOT EXISTS`` alone races in PostgreSQL's catalogue and fails
with a UniqueViolation); on SQLite the creating transaction holds the file's write lock.

Values come from LINE and from staff files, so nothing here has a length limit a resident or a
staff member could exceed (event ids, entry ids and class NOs are ``TEXT``), and numbers that
cannot be a row id are answered as "not found" before they reach the database.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from pathlib import Path

import json
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    and_,
    or_,
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
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable

log = logging.getLogger(__name__)

# Any 64-bit number, the same in every process: the key of the schema-creation advisory lock.
SCHEMA_LOCK_KEY = 0x626F74_736368656D  # "bot" "schem"
# How long a SQLite writer waits for another one before giving up.
BUSY_TIMEOUT_MS = 10000
# How long a write that someone waits for (LINE for the webhook's 200, a load balancer for
# /healthz, both within 2 seconds) waits for another writer's lock.
QUICK_WAIT_MS = 1000
# Row ids are 32-bit integers on PostgreSQL; a bigger number (a forged postback) names no row.
LARGEST_ID = 2**31 - 1

# LINE redelivers an event for a limited time; ids older than this cannot come back.
DELIVERED_EVENTS_KEPT_SECONDS = 7 * 24 * 3600

metadata = MetaData()

# Every event the bot took on to answer, claimed by its webhookEventId (so a redelivery is
# answered once), and what became of it. Until it is answered the row is the event's hand-over:
# the encrypted event, a lease held by the worker on it, and the moment its reply token is no
# longer worth trying. ``state`` is "queued", "working" or "done" (NULL: written by an older
# version, done); ``outcome`` is "sent", or why not ("failed 503", "expired", "error").
delivered_events = Table(
    "delivered_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("received_at", Float, nullable=False),
    Column("state", Text),
    Column("owner", Text),
    Column("lease_until", Float),
    Column("reply_by", Float),
    Column("payload", Text),
    Column("outcome", Text),
    Column("finished_at", Float),
)
Index("delivered_events_received_at", delivered_events.c.received_at)
Index("delivered_events_state_lease", delivered_events.c.state, delivered_events.c.lease_until)

# What residents asked, already redacted (bot.privacy); ``resident`` is a keyed hash.
questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("asked_at", Float, nullable=False),
    Column("resident", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("entry_id", Text),
    Column("score", Float, nullable=False, default=0.0),
    Column("candidates", Text, nullable=False, default="[]"),
    # A keyed hash of LINE's message id, so that a message the resident unsends is deleted here too.
    Column("message_key", String(64)),
)
Index("questions_asked_at", questions.c.asked_at)
Index("questions_message_key", questions.c.message_key)

# One row per process that answers /healthz: rewriting it is the cheapest real write there is.
heartbeat = Table(
    "heartbeat",
    metadata,
    Column("name", Text, primary_key=True),
    Column("beat_at", Float, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question_id", Integer, nullable=False),
    Column("entry_id", Text),
    Column("helpful", Boolean, nullable=False),
    Column("given_at", Float, nullable=False),
)
Index("feedback_question_id", feedback.c.question_id)
Index("feedback_given_at", feedback.c.given_at)


# Seats are counted in their own row so that taking one is a single conditional UPDATE:
# two residents on two workers can never both take the last seat.
class_seats = Table(
    "class_seats",
    metadata,
    Column("class_no", Text, primary_key=True),
    Column("taken", Integer, nullable=False, default=0),
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_no", Text, nullable=False),
    Column("class_date", String(10), nullable=False),
    Column("resident", String(64), nullable=False),
    # The LINE user id, encrypted, kept only to push the reminder; cleared once the class is over.
    Column("user_token", Text),
    Column("booked_at", Float, nullable=False),
    Column("cancelled_at", Float),
    Column("reminded_at", Float),
)
Index(
    "bookings_one_seat_per_resident", bookings.c.class_no, bookings.c.resident, unique=True,
    sqlite_where=bookings.c.cancelled_at.is_(None), postgresql_where=bookings.c.cancelled_at.is_(None),
)
Index("bookings_class_date", bookings.c.class_date)


# The staff console (bot.staff.console): accounts with argon2 hashes only, and who did what.
staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("name", Text, primary_key=True),  # as staff type it: no length PostgreSQL would refuse
    Column("password_hash", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Sessions begun before this moment are no longer honoured (sign-out, password reset).
    Column("sessions_valid_after", Float, nullable=False, default=0.0),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("staff", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(300), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("address", String(64), nullable=False, default=""),
)
Index("audit_log_at", audit_log.c.at)
Index("audit_log_action_at", audit_log.c.action, audit_log.c.at)


@dataclass(frozen=True)
class Booking:
    id: int
    class_no: str
    class_date: str
    resident: str
    user_token: str | None
    booked_at: float
    reminded_at: float | None


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


@dataclass(frozen=True)
class StaffAccount:
    name: str
    password_hash: str
    sessions_valid_after: float


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    staff: str
    action: str
    target: str
    detail: str
    address: str


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # busy_timeout makes writers queue, not fail; set first, so that switching a fresh file to
    # WAL (which needs the file to itself) waits for the other workers too.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # WAL lets workers read while one writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted questions (retention, unsent messages) are overwritten, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


class Storage:
    """The bot's database at ``url`` (a SQLAlchemy URL)."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # Reply threads, request threads, the sweeper and the health probe of a worker may all
        # want a connection at once: the pool grows for them instead of making them wait.
        options = {"max_overflow": 40}
        if url == "sqlite:///:memory:":
            options = {}
        if not url.startswith("sqlite"):
            # A server restarted under the bot leaves dead pooled connections: test each one
            # before use. Connecting gives up quickly, so /healthz answers within its 2 seconds.
            options.update(pool_pre_ping=True, connect_args={"connect_timeout": 2})
        self.engine = create_engine(url, **options)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._claims = 0
        self.create_schema()

    def create_schema(self) -> None:
        for attempt in range(5):
            try:
                with self.engine.begin() as connection:
                    if connection.dialect.name == "postgresql":
                        # Held to the end of this transaction: one creator at a time, the others
                        # then find every table there and create nothing.
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
                    for table in metadata.sorted_tables:
                        connection.execute(CreateTable(table, if_not_exists=True))
                        self._add_missing_columns(connection, table)
                        for index in table.indexes:
                            connection.execute(CreateIndex(index, if_not_exists=True))
                return
            except OperationalError:
                # Another worker holds the write lock while creating the same tables.
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    @staticmethod
    def _add_missing_columns(connection, table: Table) -> None:
        """Upgrade a database made by an older version: columns added since then are added, and
        on PostgreSQL a column that became ``TEXT`` loses its old length limit.

        Columns are only ever added or widened (never renamed or dropped), so this is the whole upgrade.
        """
        present = {column["name"]: column for column in inspect(connection).get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                old = present[column.name]["type"]
                if (connection.dialect.name == "postgresql" and isinstance(column.type, Text)
                        and getattr(old, "length", None)):
                    connection.execute(text(f"ALTER TABLE {table.name} ALTER COLUMN {column.name} TYPE TEXT"))
                    log.info("database upgraded: %s.%s is TEXT", table.name, column.name)
                continue
            kind = column.type.compile(dialect=connection.dialect)
            default = column.default.arg if column.default is not None and not callable(column.default.arg) else None
            clause = f" NOT NULL DEFAULT {default!r}" if default is not None else ""
            connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{clause}'))
            log.info("database upgraded: %s.%s added", table.name, column.name)

    def check_writes(self, name: str, timeout_ms: int = QUICK_WAIT_MS, now: float | None = None) -> str:
        """Write one heartbeat row and say how it went: "ok", or one of the fixed words in
        :data:`WRITE_REFUSALS` (never the driver's text, which can hold paths and URLs).

        A lock held by another writer is waited for ``timeout_ms`` only, not the usual
        :data:`BUSY_TIMEOUT_MS`, so that a health check answers in time.
        """
        moment = _moment(now)
        try:
            with self._quick_write(timeout_ms) as connection:
                connection.execute(_upsert(connection, heartbeat, {"name": name, "beat_at": moment}, ["name"]))
            return "ok"
        except Exception as error:  # every driver error is one of a few answers to a health check
            return _refusal(error)

    @contextmanager
    def _quick_write(self, timeout_ms: int):
        """A transaction that waits for another writer's lock ``timeout_ms`` at most (then the
        driver's OperationalError), for writes made while someone is waiting for the answer."""
        with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_ms)}")
                connection.commit()  # ends the transaction the PRAGMA began
            try:
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(text(f"SET LOCAL lock_timeout = {int(timeout_ms)}"))
                        connection.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms) * 2}"))
                    yield connection
            finally:
                if sqlite:
                    connection.rollback()
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    connection.commit()

    def claim_event(self, event_id: str, now: float | None = None, *, owner: str | None = None,
                    lease_until: float | None = None, reply_by: float | None = None,
                    payload: str | None = None) -> bool:
        """True the first time ``event_id`` is seen by any worker; False for a redelivery.

        With ``owner`` the event is queued under that worker's lease until ``lease_until``, with
        the (encrypted) ``payload`` another worker needs to answer it if this one cannot. This
        runs while LINE waits for the webhook's answer, so a lock is waited for a second at most.
        """
        now = _moment(now)
        values = dict(event_id=storable(event_id), received_at=now)
        if owner is not None:
            values.update(state="queued", owner=owner, lease_until=lease_until, reply_by=reply_by, payload=payload)
        try:
            with self._quick_write(QUICK_WAIT_MS) as connection:
                connection.execute(insert(delivered_events).values(**values))
        except IntegrityError:
            return False
        self._claims += 1
        if self._claims % 1000 == 0:
            self.forget_events_before(now - DELIVERED_EVENTS_KEPT_SECONDS)
        return True

    def take_event(self, event_id: str, owner: str, lease_until: float, now: float | None = None) -> bool:
        """Start answering a queued event: True when ``owner`` now holds it (it queued the
        event itself, or the holder's lease ran out); False when another worker has it or it is done."""
        now = _moment(now)
        table = delivered_events
        with self.engine.begin() as connection:
            return connection.execute(update(table).where(
                table.c.event_id == event_id, table.c.state.in_(("queued", "working")),
                or_(and_(table.c.owner == owner, table.c.state == "queued"), table.c.lease_until < now),
            ).values(state="working", owner=owner, lease_until=lease_until)).rowcount == 1

    def adopt_events(self, owner: str, lease_until: float, limit: int,
                     now: float | None = None) -> list[tuple[str, str, float]]:
        """Queue for ``owner`` up to ``limit`` events whose holder's lease ran out (a worker that
        died or stopped) and whose reply token is still worth trying; returns (event id,
        payload, reply_by) of each, soonest deadline first."""
        now = _moment(now)
        table = delivered_events
        with self.engine.connect() as connection:
            candidates = connection.execute(
                select(table.c.event_id, table.c.payload, table.c.reply_by).where(
                    table.c.state.in_(("queued", "working")), table.c.lease_until < now,
                    table.c.reply_by > now, table.c.payload.is_not(None),
                ).order_by(table.c.reply_by).limit(limit)
            ).all()
        adopted = []
        for event_id, payload, reply_by in candidates:
            with self.engine.begin() as connection:
                won = connection.execute(update(table).where(
                    table.c.event_id == event_id, table.c.state.in_(("queued", "working")),
                    table.c.lease_until < now,
                ).values(state="queued", owner=owner, lease_until=lease_until)).rowcount == 1
            if won:
                adopted.append((event_id, payload, reply_by))
        return adopted

    def renew_leases(self, owner: str, event_ids: list[str], lease_until: float) -> None:
        """Keep the events ``owner`` is still working on from being adopted by another worker."""
        if not event_ids:
            return
        table = delivered_events
        with self.engine.begin() as connection:
            connection.execute(update(table).where(
                table.c.owner == owner, table.c.state.in_(("queued", "working")), table.c.event_id.in_(event_ids),
            ).values(lease_until=lease_until))

    def finish_events(self, owner: str, outcomes: list[tuple[str, str]], now: float | None = None) -> int:
        """Record how ``owner`` ended events, ``(event id, outcome)`` each ("sent", "failed 503",
        …), and drop their payloads: one transaction for a whole batch. Returns how many."""
        table = delivered_events
        by_outcome: dict[str, list[str]] = {}
        for event_id, outcome in outcomes:
            by_outcome.setdefault(outcome[:100], []).append(event_id)
        done = 0
        with self.engine.begin() as connection:
            for outcome, event_ids in by_outcome.items():
                done += connection.execute(update(table).where(
                    table.c.event_id.in_(event_ids), table.c.owner == owner, table.c.state.in_(("queued", "working")),
                ).values(state="done", outcome=outcome, payload=None, lease_until=None,
                         finished_at=_moment(now))).rowcount
        return done

    def release_events(self, owner: str, event_ids: list[str] | None = None) -> int:
        """Hand ``owner``'s queued events (those not yet being answered, or only ``event_ids``)
        to whichever worker looks next: a stopping worker's backlog goes on elsewhere at once."""
        table = delivered_events
        conditions = [table.c.owner == owner, table.c.state == "queued"]
        if event_ids is not None:
            conditions.append(table.c.event_id.in_(event_ids))
        with self.engine.begin() as connection:
            return connection.execute(update(table).where(*conditions).values(lease_until=0.0)).rowcount

    def expire_events(self, now: float | None = None) -> list[str]:
        """Close the events nobody holds whose reply token is past use; returns their ids (each
        id is returned to one caller only, so that each loss is logged once)."""
        now = _moment(now)
        table = delivered_events
        with self.engine.connect() as connection:
            stale = connection.execute(select(table.c.event_id).where(
                table.c.state.in_(("queued", "working")), table.c.lease_until < now, table.c.reply_by <= now,
            )).scalars().all()
        expired = []
        for event_id in stale:
            with self.engine.begin() as connection:
                if connection.execute(update(table).where(
                    table.c.event_id == event_id, table.c.state.in_(("queued", "working")),
                    table.c.lease_until < now,
                ).values(state="done", outcome="expired", payload=None, lease_until=None,
                         finished_at=now)).rowcount == 1:
                    expired.append(event_id)
        return expired

    def event_outcomes(self, since: float = 0.0) -> dict[str, str | None]:
        """{event id: outcome} of the events claimed since ``since`` (None while not finished)."""
        table = delivered_events
        with self.engine.connect() as connection:
            rows = connection.execute(select(table.c.event_id, table.c.outcome).where(table.c.received_at >= since))
            return {event_id: outcome for event_id, outcome in rows}

    def forget_events_before(self, moment: float) -> int:
        with self.engine.begin() as connection:
            return connection.execute(delete(delivered_events).where(delivered_events.c.received_at < moment)).rowcount

    # -- the question log ---------------------------------------------------------------------
    def log_question(self, *, resident: str, question: str, status: str, entry_id: str | None = None,
                     score: float = 0.0, candidates: list[dict] | None = None, now: float | None = None,
                     message_key: str | None = None) -> int:
        """Store one (already redacted) question; returns its id for the feedback buttons."""
        values = dict(
            asked_at=_moment(now), resident=resident, question=storable(question), status=status,
            entry_id=entry_id, score=round(score, 1), candidates=json.dumps(candidates or [], ensure_ascii=False),
            message_key=message_key,
        )
        with self.engine.begin() as connection:
            return connection.execute(insert(questions).values(**values)).inserted_primary_key[0]

    def question(self, question_id: int) -> LoggedQuestion | None:
        if not _is_row_id(question_id):
            return None
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
                given_at=_moment(now),
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

    def forget_message(self, message_key: str) -> int:
        """Delete the question (and its feedback) of a message the resident unsent."""
        with self.engine.begin() as connection:
            ids = select(questions.c.id).where(questions.c.message_key == message_key)
            connection.execute(delete(feedback).where(feedback.c.question_id.in_(ids)))
            return connection.execute(delete(questions).where(questions.c.message_key == message_key)).rowcount

    def forget_questions_before(self, moment: float) -> int:
        """Delete questions (and their feedback) asked before ``moment``; returns how many."""
        with self.engine.begin() as connection:
            old = select(questions.c.id).where(questions.c.asked_at < moment)
            connection.execute(delete(feedback).where(feedback.c.question_id.in_(old)))
            return connection.execute(delete(questions).where(questions.c.asked_at < moment)).rowcount

    # -- class bookings -------------------------------------------------------------------------
    def seats_taken(self, class_no: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(class_seats.c.taken).where(class_seats.c.class_no == class_no)).scalar() or 0

    def booking_of(self, class_no: str, resident: str) -> Booking | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(bookings).where(
                bookings.c.class_no == class_no, bookings.c.resident == resident, bookings.c.cancelled_at.is_(None)
            )).first()
        return _booking(row) if row else None

    def book(self, *, class_no: str, class_date: str, capacity: int, resident: str, user_token: str | None,
             now: float | None = None) -> tuple[str, Booking | None]:
        """Take a seat: ("booked", booking), ("already", booking) or ("full", None)."""
        capacity = min(capacity, LARGEST_ID)  # seats are counted in a 32-bit column
        existing = self.booking_of(class_no, resident)
        if existing is not None:
            return "already", existing
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(class_seats).values(class_no=class_no, taken=0))
        except IntegrityError:
            pass  # the row is there already
        now = _moment(now)
        try:
            with self.engine.begin() as connection:
                # The UPDATE comes first: it takes the write lock before anything is read.
                taken = connection.execute(
                    update(class_seats)
                    .where(class_seats.c.class_no == class_no, class_seats.c.taken < capacity)
                    .values(taken=class_seats.c.taken + 1)
                ).rowcount
                if taken == 0:
                    return "full", None
                booking_id = connection.execute(insert(bookings).values(
                    class_no=class_no, class_date=class_date, resident=resident, user_token=user_token, booked_at=now,
                )).inserted_primary_key[0]
        except IntegrityError:  # the same resident, tapping twice at once: the seat is given back
            return "already", self.booking_of(class_no, resident)
        return "booked", Booking(booking_id, class_no, class_date, resident, user_token, now, None)

    def cancel(self, booking_id: int, resident: str, now: float | None = None) -> Booking | None:
        """Cancel the resident's own booking and free its seat; None when there is nothing to cancel."""
        if not _is_row_id(booking_id):
            return None
        with self.engine.begin() as connection:
            row = connection.execute(select(bookings).where(
                bookings.c.id == booking_id, bookings.c.resident == resident, bookings.c.cancelled_at.is_(None)
            )).first()
            if row is None:
                return None
            done = connection.execute(
                update(bookings).where(bookings.c.id == booking_id, bookings.c.cancelled_at.is_(None))
                .values(cancelled_at=_moment(now), user_token=None)
            ).rowcount
            if done:
                connection.execute(update(class_seats).where(class_seats.c.class_no == row.class_no)
                                   .values(taken=class_seats.c.taken - 1))
        return _booking(row) if done else None

    def bookings_of(self, resident: str) -> list[Booking]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(bookings).where(
                bookings.c.resident == resident, bookings.c.cancelled_at.is_(None)
            ).order_by(bookings.c.class_date, bookings.c.id))
            return [_booking(r) for r in rows]

    def roster(self, class_no: str) -> list[Booking]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(bookings).where(
                bookings.c.class_no == class_no, bookings.c.cancelled_at.is_(None)
            ).order_by(bookings.c.id))
            return [_booking(r) for r in rows]

    def reminders_due(self, class_date: str) -> list[Booking]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(bookings).where(
                bookings.c.class_date == class_date, bookings.c.cancelled_at.is_(None),
                bookings.c.reminded_at.is_(None), bookings.c.user_token.is_not(None),
            ).order_by(bookings.c.id))
            return [_booking(r) for r in rows]

    def mark_reminded(self, booking_id: int, now: float | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(bookings).where(bookings.c.id == booking_id)
                               .values(reminded_at=_moment(now)))

    def forget_user_ids_before(self, class_date: str) -> int:
        """Clear the encrypted LINE ids of bookings for classes before ``class_date``."""
        with self.engine.begin() as connection:
            return connection.execute(update(bookings).where(
                bookings.c.class_date < class_date, bookings.c.user_token.is_not(None)
            ).values(user_token=None)).rowcount

    # -- the staff console ----------------------------------------------------------------------
    def set_staff_password(self, name: str, password_hash: str, now: float | None = None) -> bool:
        """Create the account, or give it a new hash (and end its sessions); True when created."""
        now = _moment(now)
        with self.engine.begin() as connection:
            changed = connection.execute(update(staff_accounts).where(staff_accounts.c.name == name).values(
                password_hash=password_hash, updated_at=now, sessions_valid_after=now,
            )).rowcount
            if changed:
                return False
            connection.execute(insert(staff_accounts).values(
                name=name, password_hash=password_hash, created_at=now, updated_at=now, sessions_valid_after=0.0,
            ))
        return True

    def staff_account(self, name: str) -> StaffAccount | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(staff_accounts).where(staff_accounts.c.name == name)).first()
        return StaffAccount(row.name, row.password_hash, row.sessions_valid_after) if row else None

    def end_staff_sessions(self, name: str, now: float | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(staff_accounts).where(staff_accounts.c.name == name)
                               .values(sessions_valid_after=_moment(now)))

    def audit(self, staff: str, action: str, target: str = "", detail: str = "", address: str = "",
              now: float | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(audit_log).values(
                at=_moment(now), staff=staff[:64], action=action, target=target[:300], detail=detail, address=address[:64],
            ))

    def audit_entries(self, limit: int = 200, actions: tuple[str, ...] = ()) -> list[AuditEntry]:
        """The latest entries of the audit log, newest first."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if actions:
            query = query.where(audit_log.c.action.in_(actions))
        with self.engine.connect() as connection:
            return [AuditEntry(r.id, r.at, r.staff, r.action, r.target, r.detail, r.address) for r in connection.execute(query)]

    def audit_count(self, action: str, since: float, *, staff: str | None = None, address: str | None = None) -> int:
        """How many ``action`` entries since ``since``, for one staff name or one address."""
        query = select(func.count()).select_from(audit_log).where(audit_log.c.action == action, audit_log.c.at >= since)
        if staff is not None:
            query = query.where(audit_log.c.staff == staff)
        if address is not None:
            query = query.where(audit_log.c.address == address)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or 0

    def audit_last(self, action: str, *, staff: str | None = None, address: str | None = None) -> float | None:
        """When ``action`` was last recorded (for one staff name or address), or None."""
        query = select(func.max(audit_log.c.at)).where(audit_log.c.action == action)
        if staff is not None:
            query = query.where(audit_log.c.staff == staff)
        if address is not None:
            query = query.where(audit_log.c.address == address)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def close(self) -> None:
        self.engine.dispose()


def _logged(row) -> LoggedQuestion:
    return LoggedQuestion(
        row.id, row.asked_at, row.resident, row.question, row.status, row.entry_id, row.score, json.loads(row.candidates)
    )


def _upsert(connection, table: Table, values: dict, keys: list[str]):
    """INSERT … ON CONFLICT (keys) DO UPDATE, in the dialect of ``connection``."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(table).values(**values)
    return statement.on_conflict_do_update(index_elements=keys, set_={k: v for k, v in values.items() if k not in keys})


# What a refused write means, by SQLite's error name and PostgreSQL's SQLSTATE (class or code).
WRITE_REFUSALS = {
    "SQLITE_READONLY": "read-only", "25006": "read-only",
    "SQLITE_BUSY": "locked", "SQLITE_LOCKED": "locked", "55P03": "locked", "57014": "locked", "40P01": "locked",
    "SQLITE_FULL": "disk full", "53100": "disk full", "53": "disk full",
    "SQLITE_CANTOPEN": "unreachable", "SQLITE_IOERR": "unreachable", "08": "unreachable", "57P": "unreachable",
}


def _refusal(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    for key in (getattr(original, "sqlite_errorname", None), getattr(original, "sqlstate", None)):
        if not key:
            continue
        for known in (key, "_".join(key.split("_")[:2]), key[:3], key[:2]):  # SQLITE_IOERR_WRITE, 08006
            if known in WRITE_REFUSALS:
                return WRITE_REFUSALS[known]
    if isinstance(error, OperationalError):  # no server, no file: nothing was reached
        return "unreachable"
    return "error"


def _is_row_id(value: object) -> bool:
    return isinstance(value, int) and 0 < value <= LARGEST_ID


def storable(value: str) -> str:
    """``value`` as every database can keep it: PostgreSQL refuses NUL characters, and neither
    database can encode a lone surrogate (JSON's ``"\\ud800"``), so those become U+FFFD."""
    value = value.replace("\x00", "")
    if value.isascii():
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _moment(now: float | None) -> float:
    """``now`` if a caller (a test, a replay) gave one, else the current time."""
    return time.time() if now is None else now


def _booking(row) -> Booking:
    return Booking(row.id, row.class_no, row.class_date, row.resident, row.user_token, row.booked_at, row.reminded_at)
