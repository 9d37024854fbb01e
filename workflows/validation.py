"""Validation of process files before deploy: every problem names the file and element.

``validate_files(files, *, known_roles, form_keys, max_bytes=2_000_000) -> list[Problem]``
checks, in order: safe XML (no DOCTYPE/ENTITY, size cap), XSD validity (BPMN 2.0, DMN 1.1-1.3),
an executable process, reserved ids, lanes named after known roles, a form on every user task,
every condition/timer/script compiling in the sandbox (and timer literals being valid ISO
8601), and finally parsing with the Camunda parser family the engine uses.
``parse_xml`` is the safe XML parser the engine parses through as well.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as SpiffTimer

from workflows._bundle import parse_bundle
from workflows._clock import current_time
from workflows._parser import MADOGUCHI_NS
from workflows._timers import parse_cycle
from workflows._xml import MAX_BYTES, UnsafeXmlError, parse_xml
from workflows._xsd import BPMN_NS, schema_for, xsd_errors
from workflows.ast_lock import AST_LOCK
from workflows.errors import BundleError
from workflows.formfields import FIELD_TYPES
from workflows.routing import ROUTES
from workflows.sandbox import check_expression, timer_literal

__all__ = ["Problem", "parse_xml", "validate_files"]

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
RESERVED_IDS = frozenset({"Start", "End", "Root"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin",
                     ".StartEventSplit", ".StartEventJoin")
_TIMER_KINDS = ("timeDuration", "timeDate", "timeCycle")


@dataclass(frozen=True)
class Problem:
    """One reason the files cannot be deployed."""

    file: str | None
    element_id: str | None
    message: str


def _element_at_line(root: etree._Element, line: int) -> str | None:
    found = None
    for element in root.iter():
        if isinstance(element.tag, str) and element.sourceline and element.sourceline <= line:
            found = element.get("id") or found
    return found


def _check_xsd(name: str, root: etree._Element) -> list[Problem]:
    path = schema_for(root)
    if path is None:
        return [Problem(name, None, _("%(file)s is neither BPMN 2.0 nor DMN; check the "
                                      "namespace of the root element.", file=name))]
    # bpmn-js writes correlation expressions under a tag the XSD does not know (SpiffWorkflow's
    # validator renames it the same way).
    for expr in root.iterfind(".//bpmn:correlationPropertyRetrievalExpression/"
                              "bpmn:formalExpression", NS):
        expr.tag = f"{{{BPMN_NS}}}messagePath"
    return [Problem(name, _element_at_line(root, line),
                    _("%(file)s line %(line)d does not follow the schema: %(error)s",
                      file=name, line=line, error=message))
            for line, message in xsd_errors(root, path)]


def _by_id(root: etree._Element, tag: str) -> Iterator[etree._Element]:
    yield from root.iterfind(f".//bpmn:{tag}", NS)


def _check_ids(name: str, root: etree._Element) -> list[Problem]:
    problems = []
    for element in root.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id and (element_id in RESERVED_IDS or element_id.endswith(RESERVED_SUFFIXES)):
            problems.append(Problem(name, element_id, _(
                "Element id %(id)s is reserved by the engine; rename it (for example to "
                "%(id)s_1).", id=element_id)))
    return problems


def _lanes(root: etree._Element) -> dict[str, str | None]:
    lanes: dict[str, str | None] = {}
    for ref in root.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS):
        if ref.text:
            lanes[ref.text.strip()] = ref.getparent().get("name")
    return lanes


def _lane_of(task: etree._Element, lanes: dict[str, str | None]) -> str | None:
    # Tasks inside an expanded subprocess take the lane of the subprocess.
    node: etree._Element | None = task
    while node is not None:
        if node.get("id") in lanes:
            return lanes[node.get("id")]
        node = node.getparent()
    return None


def _check_user_tasks(name: str, root: etree._Element, known_roles: set[str],
                      form_keys: set[str]) -> list[Problem]:
    problems = []
    lanes = _lanes(root)
    for task in _by_id(root, "userTask"):
        task_id = task.get("id")
        lane = _lane_of(task, lanes)
        roles = ", ".join(sorted(known_roles))
        if lane is None:
            problems.append(Problem(name, task_id, _(
                "User task %(id)s is not in a lane; put it in a lane named after a role "
                "(%(roles)s).", id=task_id, roles=roles)))
        elif lane not in known_roles:
            problems.append(Problem(name, task_id, _(
                "User task %(id)s is in lane %(lane)s, which is not a known role; rename the "
                "lane to one of: %(roles)s.", id=task_id, lane=lane, roles=roles)))
        problems.extend(_check_form(name, task, form_keys))
        route = task.get(f"{{{MADOGUCHI_NS}}}route")
        if route is not None and route not in ROUTES:
            problems.append(Problem(name, task_id, _(
                "User task %(id)s has madoguchi:route %(route)s; use one of: %(routes)s.",
                id=task_id, route=route, routes=", ".join(ROUTES))))
    return problems


def _check_startable(name: str, root: etree._Element) -> list[Problem]:
    # A typo ("yes") would silently leave the process closed to the generic start.
    return [Problem(name, process.get("id"), _(
        "Process %(id)s has madoguchi:startable %(value)s; use true or false.",
        id=process.get("id"), value=value))
        for process in _by_id(root, "process")
        if (value := process.get(f"{{{MADOGUCHI_NS}}}startable")) not in (None, "true", "false")]


def _check_form(name: str, task: etree._Element, form_keys: set[str]) -> list[Problem]:
    task_id = task.get("id")
    key = task.get(f"{{{CAMUNDA_NS}}}formKey")
    fields = task.findall(".//camunda:formData/camunda:formField", NS)
    if key is not None:
        if key not in form_keys:
            return [Problem(name, task_id, _(
                "User task %(id)s uses form key %(key)s, which does not exist; use one of: "
                "%(keys)s.", id=task_id, key=key, keys=", ".join(sorted(form_keys)) or "-"))]
        return []
    if not fields:
        return [Problem(name, task_id, _(
            "User task %(id)s has no form; set camunda:formKey or add form fields.", id=task_id))]
    return [Problem(name, task_id, _(
        "Form field %(field)s of user task %(id)s has type %(type)s; use string, long, boolean, "
        "date or enum.", field=f.get("id") or "?", id=task_id, type=f.get("type") or "-"))
        for f in fields if f.get("type") not in FIELD_TYPES]


def _owner_id(element: etree._Element) -> str | None:
    # Report the flow element (event, task, sequence flow), not its event definition.
    node: etree._Element | None = element
    while node is not None and (not node.get("id") or
                                etree.QName(node).localname.endswith("EventDefinition")):
        node = node.getparent()
    return node.get("id") if node is not None else None


def _check_timer_literal(kind: str, text: str) -> None:
    if kind == "dueDate":
        kind = "timeDuration" if text.upper().startswith("P") else "timeDate"
    if kind == "timeDuration":
        SpiffTimer.parse_iso_duration(text)
    elif kind == "timeDate":
        datetime.fromisoformat(text)
    else:
        parse_cycle(text, current_time())


def _timer_problem(kind: str, text: str) -> str | None:
    literal = timer_literal(text)
    if literal is None:
        error = check_expression(text, "eval")
        if error is not None:
            return error
        with AST_LOCK:
            node = ast.parse(text.strip(), mode="eval").body
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None  # computed at run time; checked then
        literal = node.value
    try:
        _check_timer_literal(kind, literal)
    except Exception:  # SpiffWorkflow raises bare Exception for bad durations
        return _("%(value)s is not a valid ISO 8601 %(kind)s (examples: P3D, PT2H, "
                 "2026-04-01T09:00:00+09:00, R3/PT1H).", value=literal, kind=kind)
    return None


def _expressions(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    for tag in ("conditionExpression", "condition", "loopCardinality", "completionCondition"):
        for node in _by_id(root, tag):
            yield node, "eval", node.text or ""
    for node in root.iterfind(".//bpmn:scriptTask/bpmn:script", NS):
        yield node, "exec", node.text or ""
    for kind in _TIMER_KINDS:
        for node in _by_id(root, kind):
            yield node, kind, node.text or ""
    for task in _by_id(root, "userTask"):
        due = task.get(f"{{{CAMUNDA_NS}}}dueDate")
        if due is not None:
            yield task, "dueDate", due


def _check_expressions(name: str, root: etree._Element) -> list[Problem]:
    problems = []
    for node, mode, text in _expressions(root):
        owner = _owner_id(node)
        if not text.strip():
            problems.append(Problem(name, owner, _("Element %(id)s has an empty expression; "
                                                   "fill it in.", id=owner)))
            continue
        error = check_expression(text, mode) if mode in ("eval", "exec") else \
            _timer_problem(mode, text)
        if error is not None:
            problems.append(Problem(name, owner, _("Element %(id)s: %(error)s", id=owner,
                                                   error=error)))
    return problems


def _check_dmn(name: str, root: etree._Element) -> list[Problem]:
    problems = []
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node).localname != "text":
            continue
        parent = etree.QName(node.getparent()).localname
        text = (node.text or "").strip()
        if parent not in ("inputExpression", "outputEntry", "inputEntry") or text in ("", "-"):
            continue
        candidates = [text] if parent != "inputEntry" else \
            [text.replace("?", "dmninputexpr"), f"dmninputexpr {text}"]
        errors = [check_expression(c, "eval") for c in candidates]
        if all(errors):
            owner = _owner_id(node.getparent())
            problems.append(Problem(name, owner, _("Element %(id)s: %(error)s", id=owner,
                                                   error=errors[0])))
    return problems


def _check_with_parser(files: dict[str, bytes]) -> list[Problem]:
    try:
        parse_bundle(files)
    except BundleError as exc:
        return [Problem(exc.file, exc.element_id, exc.message)]
    return []


def _check_executable(files: dict[str, bytes], roots: dict[str, etree._Element]) -> list[Problem]:
    for root in roots.values():
        if root.find(".//bpmn:process[@isExecutable='true']", NS) is not None:
            return []
    return [Problem(next(iter(files), None), None, _(
        "No executable process found; set isExecutable=\"true\" on the process to run."))]


def validate_files(files: dict[str, bytes], *, known_roles: set[str], form_keys: set[str],
                   max_bytes: int = MAX_BYTES) -> list[Problem]:
    """Return every problem that stops these .bpmn/.dmn files from being deployed."""
    problems: list[Problem] = []
    roots: dict[str, etree._Element] = {}
    for name, content in sorted(files.items()):
        try:
            roots[name] = parse_xml(content, name, max_bytes=max_bytes)
        except UnsafeXmlError as exc:
            problems.append(Problem(name, None, str(exc)))
    for name, root in roots.items():
        problems.extend(_check_xsd(name, root))
    if problems:
        return problems  # the remaining checks assume schema-valid files
    bpmn_roots = {n: r for n, r in roots.items() if etree.QName(r).namespace == BPMN_NS}
    problems.extend(_check_executable(files, bpmn_roots))
    for name, root in bpmn_roots.items():
        problems.extend(_check_ids(name, root))
        problems.extend(_check_user_tasks(name, root, known_roles, form_keys))
        problems.extend(_check_startable(name, root))
        problems.extend(_check_expressions(name, root))
    for name in roots.keys() - bpmn_roots.keys():
        problems.extend(_check_dmn(name, roots[name]))
    if not problems:
        problems.extend(_check_with_parser(files))
    return problems
