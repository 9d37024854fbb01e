"""書類回送 (branch-office document forwarding): operations on receipts, bags and the ledger.

Each operation checks who may act, changes the domain rows, drives the forwarding case through
``workflows.cases.complete_task`` (so work items, timers and the case history stay in step),
audits every change and flushes; the caller commits once.

Modules: ``numbering`` (receipt numbers), ``eligibility`` (the DMN decision), ``access`` (who
may act), ``steps`` (advancing the case), ``issue`` / ``cancel`` (the counter), ``bags``
(dispatch and receive), ``acknowledge`` (return, file, resolve missing), ``catalogue``
(document types and department limits), ``ledger`` and ``queries`` (read side).
"""
