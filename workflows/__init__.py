"""BPMN engine core: parsing, sandboxed expressions, running cases, deploy validation.

Import the submodules directly (``workflows.engine``, ``workflows.validation``, ...); this
package does nothing on import.
"""
