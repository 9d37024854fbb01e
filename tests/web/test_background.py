"""The in-process minute jobs of `make run` keep running after a failing run."""

import threading

from webapp import background


def test_job_runs_repeatedly_and_survives_an_exception(app, monkeypatch):
    monkeypatch.setattr(background, "INTERVAL_SECONDS", 0.01)
    calls, done = [], threading.Event()

    def job(now):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("first run fails")
        if len(calls) >= 3:
            done.set()
        return {"things": 0}

    thread = background.start(app, "test", job)
    assert done.wait(5)
    thread.stop.set()
    thread.join(5)
    assert len(calls) >= 3 and all(c.tzinfo is not None for c in calls)
