"""Parsed process bundles: specs plus plain descriptions of user tasks and timers, cached."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as SpiffTimer
from SpiffWorkflow.camunda.specs.user_task import UserTask as SpiffUserTask
from SpiffWorkflow.specs.base import TaskSpec as SpiffTaskSpec

from workflows._parser import MADOGUCHI_NS, MadoguchiParser
from workflows._timers import ClockCycleTimer, ClockDurationTimer
from workflows._xml import UnsafeXmlError, parse_xml
from workflows.ast_lock import AST_LOCK
from workflows.errors import BundleError
from workflows.formfields import FieldSpec, FieldSpecError, fields_from_form

CACHE_SIZE = 64


@dataclass(frozen=True)
class UserTaskSpecInfo:
    """A user task as designed: where it sits (lane = role) and which form it shows."""

    bpmn_id: str
    name: str
    lane: str | None
    form_key: str
    fields: tuple[FieldSpec, ...]
    due_date: str | None = None
    route: str | None = None  # madoguchi:route, see workflows.routing


@dataclass(frozen=True)
class TimerSpecInfo:
    """A timer event as designed; kind is 'date', 'duration' or 'cycle'."""

    bpmn_id: str
    name: str
    kind: str
    expression: str


@dataclass(frozen=True, eq=False)
class ProcessBundle:
    """Everything needed to start or restore cases of one deployed process version."""

    process_id: str
    process_ids: tuple[str, ...]
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    name: str | None = None
    user_tasks: dict[str, UserTaskSpecInfo] = field(default_factory=dict)
    timers: dict[str, TimerSpecInfo] = field(default_factory=dict)
    element_names: dict[str, str] = field(default_factory=dict)
    # madoguchi:startable="true" on the process: staff may start it with the generic
    # POST /api/v1/cases. Processes started by their own operation (online, postal, forwarding)
    # leave it out, so nobody fakes one of their cases.
    startable: bool = False

    def user_task(self, bpmn_id: str) -> UserTaskSpecInfo | None:
        """Return the user task with this bpmn id, or None."""
        return self.user_tasks.get(bpmn_id)


def load_parser(files: dict[str, bytes]) -> MadoguchiParser:
    """Feed every .bpmn/.dmn file through the safe XML parser into one Camunda parser."""
    parser = MadoguchiParser()
    for filename, content in sorted(files.items()):
        try:
            root = parse_xml(content, filename)
        except UnsafeXmlError as exc:
            raise BundleError(str(exc), file=filename) from exc
        if filename.lower().endswith(".dmn"):
            parser.add_dmn_xml(root, filename=filename)
        else:
            parser.add_bpmn_xml(root, filename=filename)
    return parser


def pick_process(parser: MadoguchiParser) -> tuple[str, tuple[str, ...]]:
    """Return the top-level process id (not called by another) and all executable ids."""
    executable = tuple(parser.get_process_ids())
    if not executable:
        raise BundleError(_("No executable process found; set isExecutable=\"true\" on the "
                            "process to run."))
    called = parser.get_process_dependencies()
    top = [pid for pid in executable if pid not in called]
    return (top or list(executable))[0], executable


def _timer_kind(definition: SpiffTimer) -> str:
    if isinstance(definition, ClockCycleTimer):
        return "cycle"
    return "duration" if isinstance(definition, ClockDurationTimer) else "date"


def _describe(task_specs: Iterable[SpiffTaskSpec], bundle: ProcessBundle) -> None:
    for spec in task_specs:
        bpmn_id = getattr(spec, "bpmn_id", None)
        if bpmn_id is None:
            continue
        name = getattr(spec, "bpmn_name", None) or bpmn_id
        bundle.element_names[bpmn_id] = name
        if isinstance(spec, SpiffUserTask):
            try:
                fields = fields_from_form(spec.form)
            except FieldSpecError as exc:
                raise BundleError(str(exc), element_id=bpmn_id) from exc
            bundle.user_tasks[bpmn_id] = UserTaskSpecInfo(
                bpmn_id, name, spec.lane, spec.form.key or "", fields,
                getattr(spec, "due_date", None), getattr(spec, "route", None))
        definition = getattr(spec, "event_definition", None)
        if isinstance(definition, SpiffTimer):
            bundle.timers[bpmn_id] = TimerSpecInfo(
                bpmn_id, name, _timer_kind(definition), definition.expression or "")


def parse_bundle(files: dict[str, bytes]) -> ProcessBundle:
    """Parse .bpmn (and .dmn) files into a ProcessBundle; BundleError if they cannot run."""
    try:
        with AST_LOCK:  # SpiffWorkflow's DMN parser calls ast.parse
            parser = load_parser(files)
            process_id, executable = pick_process(parser)
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
            startable = parser.get_process_parser(process_id).node.get(
                f"{{{MADOGUCHI_NS}}}startable") == "true"
    except ValidationException as exc:
        raise BundleError(str(exc), element_id=getattr(exc, "id", None) or None,
                          file=getattr(exc, "file_name", None) or None) from exc
    except (etree.LxmlError, KeyError, ValueError) as exc:
        raise BundleError(_("The process files cannot be parsed: %(error)s",
                            error=str(exc))) from exc
    bundle = ProcessBundle(process_id, executable, spec, subprocess_specs,
                           name=spec.description or None, startable=startable)
    _describe(spec.task_specs.values(), bundle)
    for sub in subprocess_specs.values():
        if sub is not None:
            _describe(sub.task_specs.values(), bundle)
    return bundle


_cache: OrderedDict[str, ProcessBundle] = OrderedDict()
_cache_lock = threading.Lock()


def get_bundle(key: str, load_files: Callable[[], dict[str, bytes]]) -> ProcessBundle:
    """Return the bundle cached under key (e.g. the version's sha256), parsing it on a miss."""
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    # Parse outside the lock so one slow parse does not block every other case.
    bundle = parse_bundle(load_files())
    with _cache_lock:
        bundle = _cache.setdefault(key, bundle)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return bundle


def clear_bundle_cache() -> None:
    """Forget all cached bundles (tests, or after a deploy rollback)."""
    with _cache_lock:
        _cache.clear()
