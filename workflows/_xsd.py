"""XSD validation of BPMN and DMN files with validators built once per process."""

from __future__ import annotations

import os
import threading
from functools import cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH as BPMN_XSD
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# lxml does not promise that one XMLSchema may validate in several threads at once.
_lock = threading.Lock()


@cache
def _schema(path: str) -> etree.XMLSchema:
    # Building the BPMN schema costs ~8 ms: do it once per process and schema file.
    with open(path, "rb") as xsd:
        return etree.XMLSchema(etree.parse(xsd, etree.XMLParser(no_network=True)))


def schema_for(root: etree._Element) -> str | None:
    """Return the XSD path for a BPMN or DMN root element, or None if the namespace is unknown."""
    namespace = etree.QName(root).namespace or ""
    if namespace == BPMN_NS:
        return BPMN_XSD
    return DMN_SCHEMAS.get(namespace) or DMN_SCHEMAS.get(namespace.rstrip("/") + "/")


def xsd_errors(root: etree._Element, path: str) -> list[tuple[int, str]]:
    """Validate root against the XSD at path; return (line, message) for each error."""
    schema = _schema(os.fspath(path))
    with _lock:
        if schema.validate(root):
            return []
        return [(error.line, error.message) for error in schema.error_log]
