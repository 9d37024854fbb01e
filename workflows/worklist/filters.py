"""Queue filters: parsed from query arguments, validated, and kept as a plain value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from urllib.parse import urlencode

from flask_babel import gettext as _

from japan.text import normalize_name
from workflows import params

QUEUES = ("mine", "team", "all")
SORT_KEYS = ("due", "case", "procedure", "task", "applicant", "received", "assignee",
             "channel")
ITEM_STATUSES = ("open", "claimed")
DUE_CHOICES = ("overdue", "today", "week")
# Ageing buckets of open items, in days since the item entered the queue: (low, high or None).
AGE_BUCKETS = {"0-1": (0, 1), "2-3": (2, 3), "4-7": (4, 7), "8-14": (8, 14),
               "15-30": (15, 30), "31-": (31, None)}
PER_PAGE_CHOICES = (20, 50, 100)
DEFAULT_PER_PAGE = 50
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class QueueFilter:
    """What narrows and orders a queue; every field is optional."""

    q: str = ""
    procedure: str = ""  # process id
    task: str = ""  # BPMN id of the user task
    channel: str = ""
    status: str = ""  # open / claimed
    due: str = ""  # overdue / today / week
    due_from: date | None = None
    due_to: date | None = None
    department: str = ""  # department code ("all" queue)
    office: str = ""  # office code ("all" queue)
    role: str = ""  # lane role ("all" queue), e.g. applicant
    age: str = ""  # an AGE_BUCKETS key
    team: str = ""  # "role:CODE" of one of the user's teams ("team" queue)
    sort: str = "due"  # a SORT_KEYS entry, "-" in front for descending
    per_page: int = DEFAULT_PER_PAGE

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def is_default_order(self) -> bool:
        return self.sort_key == "due"

    def args(self, **changes) -> dict[str, str]:
        """The filter as query arguments (defaults left out), with some values changed."""
        value = replace(self, **changes) if changes else self
        out = {}
        for f in fields(value):
            v = getattr(value, f.name)
            if v in ("", None) or (f.name == "sort" and v == "due") or \
                    (f.name == "per_page" and v == DEFAULT_PER_PAGE):
                continue
            out[f.name] = v.isoformat() if isinstance(v, date) else str(v)
        return out

    def query_string(self) -> str:
        return urlencode(self.args())

    @property
    def narrowed(self) -> bool:
        """True when anything but the order or the team narrows the queue."""
        return bool(set(self.args()) - {"sort", "per_page", "team"})


def _choice(args: Mapping[str, str], name: str, allowed, errors) -> str:
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        errors[name] = [_("Choose one of the listed values.")]
        return ""
    return value


def _code(args: Mapping[str, str], name: str) -> str:
    return (args.get(name) or "").strip()[:100]


def parse_filter(args: Mapping[str, str]) -> tuple[QueueFilter, dict[str, list[str]]]:
    """A filter from query arguments; unusable values are dropped and reported per field."""
    errors: dict[str, list[str]] = {}
    sort = (args.get("sort") or "due").strip()
    if sort.lstrip("-") not in SORT_KEYS:
        errors["sort"] = [_("Choose one of the listed values.")]
        sort = "due"
    per_page = args.get("per_page") or str(DEFAULT_PER_PAGE)
    per_page_value = int(per_page) if per_page.isascii() and per_page.isdigit() else 0
    if per_page_value not in PER_PAGE_CHOICES:
        errors["per_page"] = [_("Choose one of the listed values.")]
        per_page_value = DEFAULT_PER_PAGE
    due_from = params.date_field(args.get("due_from"), "due_from", errors)
    due_to = params.date_field(args.get("due_to"), "due_to", errors)
    if due_from and due_to and due_from > due_to:
        errors["due_to"] = [_("The end of the period is before its start.")]
        due_to = None
    return QueueFilter(
        q=normalize_name(args.get("q") or "")[:MAX_QUERY_LENGTH],
        procedure=_code(args, "procedure"), task=_code(args, "task"),
        channel=_code(args, "channel"),
        status=_choice(args, "status", ITEM_STATUSES, errors),
        due=_choice(args, "due", DUE_CHOICES, errors), due_from=due_from, due_to=due_to,
        department=_code(args, "department"), office=_code(args, "office"),
        role=_code(args, "role"), age=_choice(args, "age", AGE_BUCKETS, errors),
        team=_code(args, "team"), sort=sort, per_page=per_page_value,
    ), errors
