"""A user's browser over real HTTP: a cookie jar, the CSRF token read from the pages, and
every request spread over the app servers (two masters on PostgreSQL: two machines)."""

from __future__ import annotations

import itertools
import re
import threading

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT = 120


class Browser:
    def __init__(self, bases: list[str]) -> None:
        self.session = requests.Session()
        self._bases = itertools.cycle(bases)
        self._lock = threading.Lock()
        self.csrf: str | None = None

    def _url(self, path: str) -> str:
        with self._lock:
            return next(self._bases) + path

    def _seen(self, response: requests.Response) -> requests.Response:
        assert response.status_code < 500, (response.request.method, response.url,
                                            response.status_code, response.text[:2000])
        if "text/html" in response.headers.get("Content-Type", ""):
            found = CSRF.search(response.text)
            if found:
                self.csrf = found.group(1)
        return response

    def get(self, path: str, **kw) -> requests.Response:
        return self._seen(self.session.get(self._url(path), timeout=TIMEOUT, **kw))

    def post(self, path: str, data: dict | None = None, *, follow: bool = False,
             files: dict | None = None) -> requests.Response:
        """A form post with the session's CSRF token, as the page's form sends it."""
        if self.csrf is None:
            self.get("/login")
        form = {**(data or {}), "csrf_token": self.csrf}
        return self._seen(self.session.post(self._url(path), data=form, files=files,
                                            allow_redirects=follow, timeout=TIMEOUT))

    def login(self, username: str, password: str = "demo") -> Browser:
        self.get("/login")
        done = self.post("/login", {"username": username, "password": password})
        assert done.status_code == 302, done.text[:2000]
        self.get("/")  # the session id (and with it the CSRF token) changed at sign-in
        return self

    def portal_login(self, email: str, password: str) -> Browser:
        self.get("/portal/login")
        done = self.post("/portal/login", {"email": email, "password": password})
        assert done.headers.get("Location", "").endswith("/portal/mypage"), done.text[:2000]
        self.get("/portal/mypage")
        return self


class Api:
    """Another system calling the JSON API with a bearer token."""

    def __init__(self, bases: list[str], token: str) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self._bases = itertools.cycle(bases)
        self._lock = threading.Lock()

    def call(self, method: str, path: str, **kw) -> requests.Response:
        with self._lock:
            url = next(self._bases) + path
        response = self.session.request(method, url, timeout=TIMEOUT, **kw)
        assert response.status_code < 500, (method, path, response.status_code,
                                            response.text[:2000])
        return response
