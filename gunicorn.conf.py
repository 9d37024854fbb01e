"""How gunicorn serves Madoguchi: `make run`, the server tests (tests/server/), the load
benchmark (bench/bench_load.py) and production (README, *Deployment*) all start it with this
file, so what is tested is what is served.

Threaded workers: a request waiting on the database, a PDF or a slow client holds a thread, not
a process. One process per core (WEB_CONCURRENCY; 1 for `make run`), 8 threads each.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker whose main loop has not reported for 30 s (a C call holding the GIL) is killed
# and replaced; on SIGTERM requests in flight get 30 s to finish.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Access log on stdout, errors (and tracebacks) on stderr.
accesslog = "-"
# gunicorn 27 opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl): two
# masters on one machine (the server tests' two, or two sites) would take each other's. Nothing
# here uses it. (Older gunicorn ignores the setting.)
control_socket_disable = True
