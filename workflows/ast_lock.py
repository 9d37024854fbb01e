"""One lock for building Python syntax trees in this process (CPython 3.11).

CPython 3.11 keeps the AST constructor's recursion depth per interpreter, not per thread: when
a garbage collection inside ``ast.parse`` runs a finalizer and another thread parses meanwhile,
one of them fails with "SystemError: AST constructor recursion depth mismatch" (python/cpython
gh-106905). Measured here on 3.11.7 and 3.11.2: 4 threads compiling sandbox expressions while
making garbage with finalizers, 6 failures in 1,600 compiles; none on 3.12. Sandbox compiles,
DMN cell checks and BPMN parsing run in request threads (gthread workers, ``make run``), so
each takes this lock. Reentrant: parsing a bundle compiles its expressions.
"""

from __future__ import annotations

import threading

AST_LOCK = threading.RLock()
