"""A throwaway PostgreSQL server for the tests, started from the machine's own binaries.

Debian's ``postgresql`` package puts ``initdb`` and ``pg_ctl`` in /usr/lib/postgresql/<ver>/bin
(not on PATH). The cluster lives in a temporary folder, listens on 127.0.0.1 at a free port
(its unix socket in the same folder) and trusts local connections. PostgreSQL refuses to
run as root, so under root (CI) it runs as the ``postgres`` user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from gunicorn_server import free_port


def server_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when this machine has none."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(os.path.realpath(on_path)).parent))
    for folder in candidates:
        if all((Path(folder) / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def why_not() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    if server_binaries() is None:
        return "no PostgreSQL server binaries (apt-get install postgresql gives initdb and pg_ctl)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the PostgreSQL driver is not installed (pip install -e '.[postgres]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


class PostgresServer:
    def __init__(self):
        self.bin = server_binaries()
        # Not under pytest's tmp folders: those are private to root, and the server runs as postgres.
        self.folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "postgres"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, env={**os.environ, "LC_ALL": "C.UTF-8"})

    def start(self) -> "PostgresServer":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                  "--encoding=UTF8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
                   " -c fsync=off -c max_connections=300 -c shared_buffers=32MB")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=database, autocommit=True)

    def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        name = "bot_" + uuid.uuid4().hex[:12]
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run([*self._as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                            "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
