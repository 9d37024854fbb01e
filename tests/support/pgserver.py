"""A throw-away PostgreSQL server for the test run: initdb in a temp dir, Unix socket only."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


class PgServerError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The newest installed PostgreSQL server's bin directory."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PgServerError("PostgreSQL server binaries not found: apt-get install postgresql")


class PgServer:
    """Starts `postgres` as a non-root user, listening only on a socket in its own directory."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="madoguchi-pg-"))
        self.datadir = self.root / "data"
        self.sockdir = self.root
        self.port = 5432  # private socket directory: no clash with another server
        self.runas = "postgres" if os.geteuid() == 0 else None
        self.superuser = "postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.runas:
            cmd = ["runuser", "-u", self.runas, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def start(self) -> PgServer:
        if self.runas:
            pw = pwd.getpwnam(self.runas)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", self.superuser,
                  "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
        opts = (f"-k {self.sockdir} -c listen_addresses='' -p {self.port} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        result = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", opts,
                           "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
                           check=False)
        if result.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() \
                else ""
            raise PgServerError(f"postgres failed to start: {result.stderr}\n{log}")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return (f"postgresql+psycopg://{self.superuser}@/{dbname}"
                f"?host={self.sockdir}&port={self.port}")

    def create_database(self, name: str) -> str:
        import psycopg

        conninfo = f"host={self.sockdir} port={self.port} user={self.superuser} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate",
                  "-w", "stop", check=False)
        for _ in range(50):
            if not (self.sockdir / f".s.PGSQL.{self.port}").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)
