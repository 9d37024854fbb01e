"""Uploaded files: type by content, sanitised names, the per-field attachment rules.

Pure functions over bytes; storing is ``storage.py``'s job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from forms.application_fields import KIND_EXTENSIONS as EXTENSIONS
from forms.application_fields import AttachmentRule
from workflows.applications import xlsx_check

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
KIND_NAMES = {"xlsx": "Excel (.xlsx)", "xlsm": "Excel (.xlsm)", "pdf": "PDF",
              "jpeg": "JPEG", "png": "PNG"}
MAX_NAME = 100
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"*:<>?|\\/]+")


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass
class CheckedUpload:
    field_id: str
    filename: str
    content: bytes
    kind: str
    content_type: str
    findings: list[dict[str, Any]] = field(default_factory=list)


class UploadRejected(ValueError):
    """The file cannot be accepted for this field; the message is for the applicant."""


def sanitise_filename(name: str) -> str:
    """The last path component, NFC, without control or reserved characters, ≤ 100 chars."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", unicodedata.normalize("NFC", base)).strip(" .")
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 5 \
            else base[:MAX_NAME]
    return base or "file"


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def sniff(content: bytes) -> str | None:
    """The kind of file by its first bytes (workbooks are told apart later)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if xlsx_check.looks_like_zip(content):
        return "zip"
    return None


def check_upload(field_id: str, rule: AttachmentRule, upload: Upload,
                 values: dict[str, Any]) -> CheckedUpload:
    """Check one uploaded file against its field's rule; UploadRejected says what is wrong."""
    name = sanitise_filename(upload.filename)
    if not upload.content:
        raise UploadRejected(_("The file is empty."))
    if len(upload.content) > rule.max_bytes:
        raise UploadRejected(_("The file is larger than %(mb)d MB.",
                               mb=rule.max_bytes // (1024 * 1024)))
    ext = extension(name)
    allowed = [e for kind in rule.kinds for e in EXTENSIONS[kind]]
    if ext not in allowed:
        raise UploadRejected(_("Attach a file of type %(kinds)s.", kinds=_kinds(rule)))
    check_name(rule, name, values)
    sniffed = sniff(upload.content)
    if ext in ("xlsx", "xlsm"):
        return _check_workbook(field_id, rule, name, upload.content, ext, values)
    expected = next(kind for kind in rule.kinds if ext in EXTENSIONS[kind])
    if sniffed != expected:
        raise UploadRejected(_("The file's content is not %(kind)s, although its name says "
                               "so.", kind=KIND_NAMES[expected]))
    return CheckedUpload(field_id, name, upload.content, expected, CONTENT_TYPES[expected])


def _kinds(rule: AttachmentRule) -> str:
    return "、".join(KIND_NAMES[k] for k in rule.kinds)


def check_name(rule: AttachmentRule, name: str, values: dict[str, Any]) -> None:
    if not rule.filename_pattern:
        return
    normal = unicodedata.normalize("NFKC", name)
    match = re.fullmatch(rule.filename_pattern, normal, flags=re.IGNORECASE)
    if match is None:
        raise UploadRejected(_("Name the file like %(example)s.", example=rule.filename_example))
    expected = str(values.get(rule.filename_field) or "") if rule.filename_field else ""
    # Compared only with a valid number (an invalid one has its own message).
    if expected and match.group(1) != expected:
        raise UploadRejected(_("The number in the file name (%(found)s) does not match the "
                               "number you entered (%(entered)s).", found=match.group(1),
                               entered=expected))


def _check_workbook(field_id: str, rule: AttachmentRule, name: str, content: bytes, ext: str,
                    values: dict[str, Any]) -> CheckedUpload:
    limits = xlsx_check.Limits(max_bytes=rule.max_bytes)
    office = str(values.get(rule.filename_field) or "") if rule.filename_field else None
    try:
        if rule.workbook_check:
            report = xlsx_check.inspect_workbook(content, ext, office_number=office or None,
                                                 limits=limits)
            kind, findings = report.kind, report.findings
        else:
            kind, findings = xlsx_check.check_container(content, ext, limits), []
    except xlsx_check.WorkbookRejected as exc:
        raise UploadRejected(str(exc)) from exc
    if kind not in rule.kinds:
        raise UploadRejected(_("Attach a file of type %(kinds)s.", kinds=_kinds(rule)))
    return CheckedUpload(field_id, name, content, kind, CONTENT_TYPES[kind], findings)
