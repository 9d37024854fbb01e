"""gunicorn as `make run` starts it (gunicorn.conf.py: gthread, 8 threads), in its own process
group so that teardown (or a test's kill -9) reaches the master and every worker."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SECRET = "server-tier-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment `make run` gives the app, on the database at url."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MADOGUCHI_", "DATABASE_URL", "ATTACHMENT_DIR"))}
    env.update({"DATABASE_URL": url, "MADOGUCHI_DEMO": "1", "MADOGUCHI_INSTANCE": str(instance),
                "ATTACHMENT_DIR": str(instance / "attachments"), "SECRET_KEY": SECRET,
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """`flask --app wsgi <args>` in its own process, as an operator would run it."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"flask {' '.join(args)}: {done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


class Gunicorn:
    """One gunicorn master (and its workers) on a free port; the log goes to a file."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None) -> None:
        self.env, self.log, self.port = env, log, port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 60) -> Gunicorn:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                 "--bind", f"{HOST}:{self.port}", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn not ready: {self.log.read_text(errors='replace')}")

    def kill(self) -> None:
        """kill -9 the master and every worker at once (the whole process group)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._reap()

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL for anything still there after 15 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._reap()

    def _reap(self) -> None:
        # Workers left behind by a killed master still belong to its process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def tracebacks(self) -> list[str]:
        text = self.log.read_text(errors="replace")
        return [chunk[:2000] for chunk in text.split("Traceback")[1:]]
