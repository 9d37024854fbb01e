"""OpenAPI fuzzing of /api/v1 on the served app (issue 15): schemathesis generates requests for
every documented operation from /api/v1/openapi.json, and each one is sent with the token of a
user of every role, and with an unknown token. No answer may be a 5xx, and every answer (status,
content type, body) must be what the document says.

MADOGUCHI_FUZZ_EXAMPLES (default 60) sets the examples per operation; `make test` stays within
its time with the default.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.server.conftest import Site, close_site, open_site

pytestmark = pytest.mark.server

EXAMPLES = int(os.environ.get("MADOGUCHI_FUZZ_EXAMPLES", "60"))
ROLES = {"branch_clerk": "branch.daishi", "ward_clerk": "ward.hoken", "supervisor": "supervisor",
         "designer": "designer", "admin": "admin", "integration": "intake.portal"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_site(request, tmp_path_factory) -> Iterator[Site]:
    site = open_site("sqlite", request, tmp_path_factory.mktemp("fuzz"))
    try:
        yield site
    finally:
        close_site(site)


def _fuzz(operation, site: Site) -> None:
    # Valid requests and invalid ones (wrong types, missing fields): both must be answered as
    # documented.
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    # The same examples on every run (derandomize): `make test` must not pass or fail by luck;
    # explore further with a larger MADOGUCHI_FUZZ_EXAMPLES.
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        tokens = [site.tokens[username] for username in ROLES.values()] + ["mdg_revoked"]
        for token in tokens:
            response = case.call(base_url=site.bases[0],
                                 headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

    run()


def _describe(exc: BaseException) -> str:
    found = [exc] if not isinstance(exc, BaseExceptionGroup) else list(exc.exceptions)
    return str(exc) + "".join(f"\n  - {type(e).__name__}: {e}" for e in found)


def test_every_operation_with_every_role(fuzz_site):
    # One test walking the operations (schemathesis's pytest loader does not run on this
    # pytest), so that one run reports every operation that fails, not just the first.
    schema = schemathesis.openapi.from_url(f"{fuzz_site.bases[0]}/api/v1/openapi.json")
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        try:
            _fuzz(operation, fuzz_site)
        except (Exception, FailureGroup) as exc:  # each failing operation is reported below
            failures.append(f"{operation.method.upper()} {operation.path}: {_describe(exc)}")
    assert not failures, "\n\n".join(failures)


def test_the_server_log_has_no_traceback(fuzz_site):
    assert fuzz_site.tracebacks() == []
