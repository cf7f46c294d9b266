"""Model instances from hand-written SQL: the column list of a model under an alias, and the instance back
from its slice of a row. For the few hot statements where compiling the ORM's query costs more than running
it (token authentication, the hold's and the confirm's fast paths)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, signals
from django.db.models.base import ModelState
from psycopg.pq import TransactionStatus

M = TypeVar("M", bound=Model)


@functools.cache
def attnames(model: type[Model]) -> list[str]:
    """The model's stored fields (their attribute names: `doctor_id`, not `doctor`), in `columns` order."""
    return [f.attname for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def columns(model: type[Model], alias: str) -> str:
    """`alias."col", …` for every stored field of `model`, in `attnames` order."""
    return ", ".join(
        f'{alias}."{f.column}"' for f in model._meta.concrete_fields if not getattr(f, "generated", False)
    )


@dataclass(frozen=True, slots=True)
class Read:
    """A read of one row: a statement of its own, or a part of another one (the sign-in statement carries
    one for its token's user: `medic.clinic.authentication.sign_in`)."""

    sql: str
    params: list[Any]


def instance(model: type[M], row: Sequence[Any], offset: int) -> tuple[M, int]:
    """The `model` instance stored at row[offset:], as the ORM would load it, and the offset after it.

    Built as `Model.from_db` leaves it (the stored fields set, generated ones deferred, `_state` saying it
    came from the database) without running `Model.__init__`, whose per-field work was a tenth of a hold's
    time in Python; `from_db` itself when a model has init signal receivers (which expect `__init__`)."""
    names = attnames(model)
    end = offset + len(names)
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db(DEFAULT_DB_ALIAS, names, row[offset:end]), end
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, row[offset:end], strict=True))
    state = obj._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    return obj, end


class _PreparingCursor(psycopg.Cursor[Any]):
    """psycopg's server-binding cursor, preparing every statement it runs unless MEDIC_PREPARE_STATEMENTS is
    off (Django turns psycopg's automatic preparing off for the sake of connection poolers; these few
    statements ask for it by name)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: Any = None
    ) -> Any:
        if prepare is None:
            prepare = bool(getattr(settings, "MEDIC_PREPARE_STATEMENTS", True))
        return super().execute(query, params, prepare=prepare, binary=binary)


def prepared_cursor() -> CursorWrapper:
    """A cursor on Django's connection (its transaction, its query logging) whose statements are prepared
    once per connection, so PostgreSQL no longer plans them on every request: planning the hot statements
    cost more than running them. Only for statements written for it: parameters are bound on the server and
    typed by psycopg (a uuid as uuid, a list as an array), not spelled into the text as Django's cursors
    do. Behind a pooler in transaction mode that cannot keep prepared statements, set
    MEDIC_PREPARE_STATEMENTS=false."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each access through `connection` is a thread-local lookup
    db.ensure_connection()
    return db._prepare_cursor(_PreparingCursor(db.connection))  # type: ignore[attr-defined]


_SAVEPOINT = "medic_pipelined"


@contextmanager
def pipelined_transaction() -> Iterator[None]:
    """A transaction sent to PostgreSQL in one round trip (psycopg's pipeline mode): for a few statements that
    run one after the other whatever the results, which are read from their cursors once the block has left.
    Inside the caller's transaction it is a savepoint instead.

    Outside one, it is the implicit transaction of the extended query protocol: everything sent before the
    pipeline's Sync is one transaction, committed by the Sync or rolled back by an error, so no BEGIN and
    COMMIT are sent (each statement still takes its own snapshot, as under READ COMMITTED it would in a
    BEGIN ... COMMIT block). An exception raised in the block queues a ROLLBACK before the Sync.

    No statement result can be read inside the block (reading one would send what is queued so far). Any error
    rolls the whole back (the savepoint, inside a caller's transaction) and is raised as Django's error, with
    psycopg's as its cause, as from Django's own cursors."""
    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    raw: psycopg.Connection[Any] = db.connection
    if db.get_autocommit() and not db.in_atomic_block:
        with db.wrap_database_errors, raw.pipeline():
            try:
                yield
            except BaseException:
                with suppress(psycopg.Error):  # an aborted pipeline rolls back at the Sync by itself
                    raw.execute("ROLLBACK")
                raise
        return
    started = False
    try:
        with db.wrap_database_errors, raw.pipeline():
            raw.execute(f"SAVEPOINT {_SAVEPOINT}")
            started = True
            yield
            raw.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    except BaseException:
        open_states = (TransactionStatus.INTRANS, TransactionStatus.INERROR)
        if started and not raw.closed and raw.info.transaction_status in open_states:
            with db.wrap_database_errors:
                raw.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                raw.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        raise
