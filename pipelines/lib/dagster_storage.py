"""Dagster's local SQLite storage, keeping one SQLAlchemy engine per database file instead of creating one for
every statement.

Dagster's SQLite storages call `create_engine` with `NullPool` on every connection (hundreds per build: each event
of each step is stored through a new engine and a new SQLite connection, and SQLAlchemy's compiled-statement cache,
which lives on the engine, is thrown away each time); measured on two cores, a job of 35 no-op assets with a check
each took 3.5 s on Dagster's storage, 1.2 s on this one and 0.8 s in memory. These subclasses keep an engine per
file with SQLAlchemy's default pool: connections are reused, and an idle one holds no SQLite lock (every
statement runs in its own transaction, as before), so other processes such as the UI read and write the files
as before. The files, their layout under `$DAGSTER_HOME` and their schema are Dagster's own: an instance written
by one opens with the other. Selected in `dagster.yaml` (`storage: custom:`).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import create_db_conn_string
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from dagster._utils import mkdir_p
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_SECONDS = 30  # as Dagster's own SQLite event log storage
KEPT_ENGINES = 8  # the index shard, the run being built and a few runs the UI reads


def _engine_for(conn_string: str, **kwargs: object) -> Engine:
    """An engine whose connections commit with `synchronous=NORMAL`. Dagster creates these files in WAL mode, in
    which NORMAL cannot corrupt the database; a power cut may lose the last events of a run's history, never
    the build's data (which is DuckDB's and Parquet's, not Dagster's)."""
    engine = create_engine(conn_string, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


class EngineKeepingEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_guard = threading.Lock()  # steps on several threads store events at once
        self._tables_present: set[str] = set()
        self._columns_present: set[str] = set()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        with self._engines_guard:
            engine = self._engines.get(shard)
            if engine is None:
                engine = _engine_for(
                    self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
                )
                self._engines[shard] = engine
                while len(self._engines) > KEPT_ENGINES:
                    self._engines.popitem(last=False)[1].dispose()
            else:
                self._engines.move_to_end(shard)
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                if not self._stamped(shard, engine) and not self._from_template(shard):
                    self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _template_path(self) -> str:
        # not `*.db`: Dagster takes every such file in this folder for a run's shard
        return os.path.join(self._base_dir, f".run-shard-template-{dagster.__version__}.sqlite")

    def _from_template(self, shard: str) -> bool:
        """A new run's shard as a copy of an empty one made by Dagster's own `_initdb` (its tables, indexes, WAL
        mode and alembic revision), made once per Dagster version: creating the tables and stamping the
        revision takes 0.25-0.5 s per run, the copy about a millisecond. False (Dagster's own path then) for the
        index shard, when the template cannot be made, or when the shard appeared meanwhile."""
        if shard == INDEX_SHARD_NAME:
            return False
        template = self._template_path()
        if not os.path.exists(template) and not self._make_template(template):
            return False
        path = self.path_for_shard(shard)
        partial = f"{path}.{os.getpid()}-{threading.get_ident()}.partial"
        try:
            shutil.copyfile(template, partial)
            os.link(partial, path)  # never replaces a shard another process has created meanwhile
        except OSError:
            return False
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        return True

    def _make_template(self, template: str) -> bool:
        partial = f"{template}.{os.getpid()}-{threading.get_ident()}.partial"
        engine = create_engine(f"sqlite:///{partial}", poolclass=NullPool)
        try:
            self._initdb(engine)
        finally:
            engine.dispose()  # the last connection closed: SQLite moves the WAL into the file and removes it
        if os.path.exists(partial + "-wal"):
            for leftover in (partial, partial + "-wal", partial + "-shm"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
            return False
        os.replace(partial, template)
        return True

    def has_table(self, table_name: str) -> bool:
        """Dagster's check (asked for every asset check event) on the kept engine; a table, once there, stays."""
        if table_name not in self._tables_present:
            engine = self._engine(INDEX_SHARD_NAME)
            with engine.connect() as conn:
                if engine.dialect.has_table(conn, table_name):
                    self._tables_present.add(table_name)
        return table_name in self._tables_present

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        """Dagster inspects the asset key table's columns for every asset event; a column, once there, stays."""
        if column_name not in self._columns_present:
            if super()._has_asset_key_col_on_connection(conn, column_name):
                self._columns_present.add(column_name)
        return column_name in self._columns_present

    def _stamped(self, shard: str, engine: Engine) -> bool:
        """Whether the shard's file already exists with its tables and an alembic revision. Dagster's `_initdb`
        then only compares that revision with the newest one, which loads every migration script (about
        0.2 s per shard, several shards per build); it migrates nothing (`dagster instance migrate` does)."""
        if not os.path.exists(self.path_for_shard(shard)):
            return False
        try:
            with engine.connect() as conn:
                return conn.exec_driver_sql("select version_num from alembic_version").first() is not None
        except Exception:  # noqa: BLE001 - no such table (an older or half-created file): Dagster's own path
            return False

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


class EngineKeepingRunStorage(SqliteRunStorage):
    def __init__(self, conn_string: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(conn_string, inst_data)
        self._engine = _engine_for(conn_string)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def has_execution_plan_snapshot(self, execution_plan_snapshot_id: str) -> bool:
        """Whether the snapshot is stored, by its id: Dagster's own reads and unpacks the whole snapshot (about
        0.3 s for a build's plan) to answer."""
        return self._has_snapshot_id(execution_plan_snapshot_id)

    def dispose(self) -> None:
        self._engine.dispose()
        super().dispose()


class EngineKeepingSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (same files under `base_dir`) with the engine-keeping run and event log storages."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.base_dir = base_dir
        runs = _runs_directory(base_dir)
        SqliteRunStorage.from_local(runs)  # creates or migrates the runs database as Dagster's own does
        self._run_storage = EngineKeepingRunStorage(create_db_conn_string(runs, "runs"))
        self._event_log_storage = EngineKeepingEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict
    ) -> EngineKeepingSqliteStorage:
        mkdir_p(config_value["base_dir"])
        return cls(config_value["base_dir"], inst_data=inst_data)
