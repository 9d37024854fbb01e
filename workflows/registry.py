"""Process registry: deploy BPMN/DMN files as immutable, numbered versions; cache parsed specs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from forms.registry import known_keys
from models.audit import record
from models.db import db
from models.prepared import Prepared
from models.process import ProcessVersion
from models.user import User
from workflows import engine
from workflows.failures import DeployRejected, NotFound
from workflows.routing import KNOWN_ROLES
from workflows.validation import validate_files

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    created: bool


def files_sha256(files: dict[str, bytes]) -> str:
    """A digest over file names and contents, independent of argument order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def _bundles(files: dict[str, bytes]) -> list[dict[str, bytes]]:
    """One bundle per BPMN file; the DMN files given alongside go with every bundle."""
    dmn = {n: x for n, x in files.items() if n.lower().endswith(".dmn")}
    return [{name: xml, **dmn} for name, xml in sorted(files.items())
            if name.lower().endswith(".bpmn")]


def deploy(files: dict[str, bytes], actor: User | None) -> list[Deployed]:
    """Validate and deploy files; an unchanged process keeps its current version."""
    problems = validate_files(files, known_roles=set(KNOWN_ROLES), form_keys=known_keys())
    if not problems and not _bundles(files):
        problems = [engine_problem(_("No BPMN file was given."))]
    if problems:
        raise DeployRejected(_("The files were not deployed."), problems)
    return [_deploy_bundle(bundle, actor) for bundle in _bundles(files)]


def engine_problem(message: str):
    from workflows.validation import Problem

    return Problem(file=None, element_id=None, message=message)


def _deploy_bundle(files: dict[str, bytes], actor: User | None) -> Deployed:
    sha = files_sha256(files)
    parsed = engine.get_bundle(sha, lambda: files)
    latest = latest_version(parsed.process_id)
    if latest is not None and latest.sha256 == sha:
        return Deployed(parsed.process_id, latest.version, False)
    number = (db.session.scalar(select(func.max(ProcessVersion.version))
                                .where(ProcessVersion.process_id == parsed.process_id)) or 0) + 1
    version = ProcessVersion(process_id=parsed.process_id, version=number, sha256=sha,
                             name=parsed.name or parsed.process_id,
                             files={n: x.decode("utf-8") for n, x in files.items()},
                             deployed_by=actor)
    db.session.add(version)
    db.session.flush()
    record("process_deployed", "process_version", version.id, actor=actor,
           details={"process_id": version.process_id, "version": number, "sha256": sha,
                    "files": sorted(files)})
    return Deployed(parsed.process_id, number, True)


def latest_version(process_id: str) -> ProcessVersion | None:
    """The newest deployed version of a process (new cases start on it)."""
    return db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                             .order_by(ProcessVersion.version.desc()).limit(1))


@dataclass(frozen=True)
class VersionRef:
    """The few columns of a version that starting a case needs."""

    id: int
    version: int
    sha256: str

    @property
    def label(self) -> str:
        return f"v{self.version}"


_LATEST = Prepared(select(ProcessVersion.id, ProcessVersion.version, ProcessVersion.sha256)
                   .where(ProcessVersion.process_id == bindparam("pid"))
                   .order_by(ProcessVersion.version.desc()).limit(1))


def require_latest(process_id: str) -> VersionRef:
    """The newest version, or NotFound with a message naming the process."""
    row = _LATEST.execute(db.session.connection(), {"pid": process_id}).first()
    if row is None:
        raise NotFound(_("No process %(id)s has been deployed.", id=process_id))
    return VersionRef(*row)


def list_versions() -> list[ProcessVersion]:
    """Every deployed version, by process id and version."""
    return list(db.session.scalars(select(ProcessVersion).order_by(
        ProcessVersion.process_id, ProcessVersion.version)))


def bundle_for(version: ProcessVersion) -> engine.ProcessBundle:
    """The parsed spec of a version, parsed once per process and cached."""
    return engine.get_bundle(version.sha256, version.file_bytes)


def bundle_for_ref(ref: VersionRef) -> engine.ProcessBundle:
    """The bundle of a version reference, without loading the row unless it must be parsed."""
    return bundle_by_digest(ref.id, ref.sha256)


def bundle_by_digest(version_id: int, sha256: str) -> engine.ProcessBundle:
    """The cached bundle for a version's digest; the row is read only to parse it once."""
    return engine.get_bundle(sha256,
                             lambda: db.session.get(ProcessVersion, version_id).file_bytes())


def bundle_for_case(case) -> engine.ProcessBundle:
    """The bundle of the process version a case runs on (it keeps it for its whole life)."""
    return bundle_by_digest(case.process_version_id, case.process_sha256)


def builtin_files() -> list[dict[str, bytes]]:
    """The files of each built-in process folder under bpmn/."""
    folders = sorted(p for p in BUILTIN_DIR.iterdir() if p.is_dir()) \
        if BUILTIN_DIR.exists() else []
    out = []
    for folder in folders:
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
                 if p.suffix.lower() in (".bpmn", ".dmn")}
        if files:
            out.append(files)
    return out


def deploy_builtin(actor: User | None = None) -> list[Deployed]:
    """Deploy every built-in process (idempotent)."""
    return [d for files in builtin_files() for d in deploy(files, actor)]
