"""Every path over real HTTP on the served app, several users at once (issue 15)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.server import paths
from tests.server.conftest import timer_runner

pytestmark = pytest.mark.server


def test_online_application(site):
    paths.online_application(site)
    assert site.tracebacks() == []


def test_postal(site):
    paths.postal_application(site, "川崎 花子")
    assert site.tracebacks() == []


def test_forwarding(site):
    paths.forwarding(site, "branch.daishi", "大師")
    assert site.tracebacks() == []
