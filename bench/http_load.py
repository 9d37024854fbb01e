"""A lean HTTP/1.1 load generator for the server benchmarks, and a gunicorn to point it at.

Each client thread keeps one raw socket open (keep-alive; it reconnects when the server answers
``Connection: close``, as gunicorn's sync workers always do) and sends prebuilt request bytes;
the response is parsed just enough to get the status and the body length. That keeps the
generator's own CPU small, so the two cores go to the server: ``LoadResult.cpu_share`` says how
much of one core the generator itself used during the run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"


@dataclass
class LoadResult:
    seconds: float
    cpu_seconds: float  # CPU of the load generator process during the run
    latencies: list[float] = field(default_factory=list)  # successful requests only
    errors: Counter = field(default_factory=Counter)  # status (0: connection error) → count

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.seconds

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """A complete HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


class _Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        return chunk

    def roundtrip(self, data: bytes) -> int:
        """Send one request, read the whole response, return its status."""
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(data)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            buffer += self._recv()
        head, _sep, body = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length, close = None, False
        for line in lines[1:]:
            name, _colon, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if length is None:
            raise ConnectionError("response without Content-Length")
        while len(body) < length:
            body += self._recv()
        if close:
            self.close()
        return int(lines[0].split()[1])


def drive(port: int, next_request: Callable[[], bytes], seconds: float, clients: int,
          expect: int) -> LoadResult:
    """Send requests from `clients` threads for `seconds`; count `expect` answers as success."""
    stop_at = time.monotonic() + seconds
    per_thread: list[tuple[list[float], Counter]] = []

    def client() -> None:
        latencies, errors = [], Counter()
        per_thread.append((latencies, errors))
        connection = _Connection(port)
        while time.monotonic() < stop_at:
            data = next_request()
            started = time.perf_counter()
            try:
                status = connection.roundtrip(data)
            except OSError:
                connection.close()
                status = 0
            if status == expect:
                latencies.append(time.perf_counter() - started)
            else:
                errors[status] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu, begun = time.process_time(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = LoadResult(time.monotonic() - begun, time.process_time() - cpu)
    for latencies, errors in per_thread:
        result.latencies.extend(latencies)
        result.errors.update(errors)
    return result


def tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and its living descendants (Linux /proc)."""
    total, pending = 0.0, [root_pid]
    while pending:
        pid = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextlib.contextmanager
def gunicorn(env: dict[str, str], args: list[str], cwd: Path, log: Path) -> Iterator[Server]:
    """gunicorn serving wsgi:app on a free loopback port until the block ends; stderr → log."""
    port = free_port()
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args, "--bind", f"{HOST}:{port}", "wsgi:app"],
            cwd=cwd, env={**os.environ, **env}, stderr=stderr)
        try:
            _wait_ready(port, process)
            yield Server(port, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    probe = request_bytes("GET", "/healthz", {})
    while time.monotonic() < deadline and process.poll() is None:
        connection = _Connection(port)
        try:
            ready = connection.roundtrip(probe) == 200
        except OSError:
            ready = False
        finally:
            connection.close()
        if ready:
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")
