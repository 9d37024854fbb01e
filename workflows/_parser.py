"""The Camunda parser family, extended with engine-clock timers and formData without formKey."""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as SpiffTimer
from SpiffWorkflow.camunda.parser import CamundaParser as SpiffCamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser as SpiffUserTaskParser
from SpiffWorkflow.camunda.specs.user_task import Form as SpiffForm
from SpiffWorkflow.camunda.specs.user_task import FormField as SpiffFormField
from SpiffWorkflow.camunda.specs.user_task import UserTask as SpiffUserTask

from workflows._timers import CLOCK_TIMERS

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
MADOGUCHI_NS = "https://madoguchi.example/bpmn"  # our own attributes (madoguchi:route)


class _ClockTimerMixin:
    """Swap SpiffWorkflow's timer definitions for the engine-clock ones while parsing."""

    def parse_timer_event(self, event: etree._Element) -> SpiffTimer:
        """Parse as usual, then rebuild the definition with our clock-aware class."""
        parsed: SpiffTimer = super().parse_timer_event(event)  # type: ignore[misc]
        clock_class = CLOCK_TIMERS[type(parsed)]
        return clock_class(parsed.name, parsed.expression, description=parsed.description)


class _StartEventParser(_ClockTimerMixin, CamundaStartEventParser):
    pass


class _CatchEventParser(_ClockTimerMixin, CamundaIntermediateCatchEventParser):
    pass


class _BoundaryEventParser(_ClockTimerMixin, CamundaBoundaryEventParser):
    pass


class _UserTaskParser(SpiffUserTaskParser):
    """Read camunda:formData without camunda:formKey (generated forms), camunda:dueDate and
    madoguchi:route (where the task goes, when not where its lane's role usually works)."""

    def create_task(self) -> SpiffUserTask:
        """Create the user task spec and remember its due date expression and route, if any."""
        spec: SpiffUserTask = super().create_task()
        spec.due_date = self.node.get(f"{{{CAMUNDA_NS}}}dueDate")
        spec.route = self.node.get(f"{{{MADOGUCHI_NS}}}route")
        return spec

    def get_form(self) -> SpiffForm:
        """Return the form with its key ('' when absent) and all inline fields."""
        if self.node.get(f"{{{CAMUNDA_NS}}}formKey") is not None:
            return super().get_form()
        form = SpiffForm()
        for xml_field in self.xpath(".//camunda:formData/camunda:formField"):
            form.add_field(self._read_field(xml_field))
        return form

    def _read_field(self, xml_field: etree._Element) -> SpiffFormField:
        field: Any = (self.get_enum_field(xml_field) if xml_field.get("type") == "enum"
                      else SpiffFormField())
        field.id = xml_field.get("id")
        field.type = xml_field.get("type")
        field.label = xml_field.get("label")
        field.default_value = xml_field.get("defaultValue")
        for child in xml_field:
            if child.tag == f"{{{CAMUNDA_NS}}}properties":
                for prop in child:
                    field.add_property(prop.get("id"), prop.get("value"))
            elif child.tag == f"{{{CAMUNDA_NS}}}validation":
                for constraint in child:
                    field.add_validation(constraint.get("name"), constraint.get("config"))
        return field


class MadoguchiParser(SpiffCamundaParser):
    """CamundaParser with engine-clock timers and inline forms without a form key."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffCamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (_StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (_CatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (_BoundaryEventParser, BoundaryEvent),
        full_tag("userTask"): (_UserTaskParser, SpiffUserTask),
    }
