"""The built-in procedure forms. 介護給付費の取下げ follows the city's screens (seed 000)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forms.application_fields import (
    MB,
    AttachmentRule,
    FieldDef,
    ProcedureForm,
    register_procedure_form,
)

_SEND_TO = _l("Send to (e-mail address)")
_CONTACT = _l("Person in charge")
_NAME = _l("Name")
_IMAGES_OR_PDF = AttachmentRule(kinds=("pdf", "jpeg", "png"), max_bytes=10 * MB)


def _email_pair(label=None) -> tuple[FieldDef, FieldDef]:
    return (FieldDef("email", _l("E-mail address"), "email", required=True, max_length=254,
                     group=label or _SEND_TO),
            FieldDef("email_confirm", _l("E-mail address (again)"), "email_confirm",
                     required=True, confirm_of="email", group=label or _SEND_TO))


def _name_pair(prefix: str = "", group=_NAME) -> tuple[FieldDef, FieldDef]:
    return (FieldDef(f"{prefix}family_name", _l("Family name"), "name", required=True,
                     max_length=30, group=group),
            FieldDef(f"{prefix}given_name", _l("Given name"), "name", required=True,
                     max_length=30, group=group))


def _person() -> tuple[FieldDef, ...]:
    return (
        *_name_pair(),
        FieldDef("name_kana", _l("Name in katakana"), "kana", required=True, max_length=60),
        FieldDef("birth_date", _l("Date of birth"), "date", required=True),
        FieldDef("address", _l("Address"), "text", required=True, max_length=200),
        FieldDef("phone", _l("Phone number"), "tel", required=True),
        *_email_pair(_l("E-mail address")),
    )


KAIGO_TORISAGE = register_procedure_form(ProcedureForm(
    key="kaigo_torisage",
    subject_fields=("corporation_name", "office_name"),
    email_field="email",
    fields=(
        FieldDef("corporation_name", _l("Corporation name"), "name", required=True,
                 max_length=100),
        FieldDef("office_name", _l("Office name"), "name", required=True, max_length=100),
        FieldDef("office_number", _l("Office number"), "digits", required=True, digits=10,
                 help=_l("Enter 10 digits.")),
        *_email_pair(),
        FieldDef("phone", _l("Phone number"), "tel", required=True),
        FieldDef("data_sent_on", _l("Date the data was sent"), "date"),
        *_name_pair("contact_", _CONTACT),
        FieldDef("remarks", _l("Remarks"), "textarea", max_length=100,
                 help=_l("Anything we should know? (at most 100 characters)")),
        FieldDef("attachment", _l("Attached file"), "attachment", required=True,
                 help=_l("Name the Excel file like the example and do not change the .xlsx "
                         "extension."),
                 attachment=AttachmentRule(
                     kinds=("xlsx", "xlsm"), max_bytes=5 * MB,
                     filename_pattern=r"kago\((\d{10})\)\.(?:xlsx|xlsm)",
                     filename_example="kago(1475600000).xlsx", filename_field="office_number",
                     workbook_check=True)),
    )))

JUMINHYO = register_procedure_form(ProcedureForm(
    key="juminhyo",
    subject_fields=("family_name", "given_name"),
    email_field="email",
    fields=(
        *_person(),
        FieldDef("purpose", _l("Purpose"), "choice", required=True, options=(
            ("identity", _l("Proof of identity")), ("procedure", _l("Another procedure")),
            ("other", _l("Other")))),
        FieldDef("copies", _l("Number of copies"), "integer", required=True, min=1, max=10),
        FieldDef("whole_household", _l("Include everyone in the household"), "boolean"),
        FieldDef("id_document", _l("Identity document (image or PDF)"), "attachment",
                 required=True, attachment=_IMAGES_OR_PDF),
    )))

JIDO_FUYO_HENKO = register_procedure_form(ProcedureForm(
    key="jido_fuyo_henko",
    subject_fields=("family_name", "given_name"),
    email_field="email",
    fields=(
        *_person(),
        FieldDef("certificate_number", _l("Certificate number"), "digits", required=True,
                 digits=7, help=_l("The 7-digit number on your certificate.")),
        FieldDef("change_kind", _l("What changed"), "choice", required=True, options=(
            ("address", _l("Address")), ("name", _l("Name")),
            ("bank", _l("Bank account")))),
        FieldDef("changed_on", _l("Date of the change"), "date", required=True),
        FieldDef("details", _l("Details of the change"), "textarea", required=True,
                 max_length=200),
        FieldDef("evidence", _l("Supporting document (image or PDF)"), "attachment",
                 attachment=_IMAGES_OR_PDF),
    )))

SODAI_GOMI = register_procedure_form(ProcedureForm(
    key="sodai_gomi",
    subject_fields=("family_name", "given_name"),
    email_field="email",
    fields=(
        *_name_pair(),
        FieldDef("address", _l("Collection address"), "text", required=True, max_length=200),
        FieldDef("phone", _l("Phone number"), "tel", required=True),
        *_email_pair(_l("E-mail address")),
        FieldDef("items", _l("Items to collect"), "textarea", required=True, max_length=200,
                 help=_l("e.g. chest of drawers ×1, bicycle ×1")),
        FieldDef("item_count", _l("Number of items"), "integer", required=True, min=1, max=10),
        FieldDef("preferred_date", _l("Preferred collection date"), "date", required=True),
        FieldDef("remarks", _l("Remarks"), "textarea", max_length=100),
    )))

BASIC_REQUEST = register_procedure_form(ProcedureForm(
    key="basic_request",
    subject_fields=("family_name", "given_name"),
    email_field="email",
    fields=(
        *_person(),
        FieldDef("details", _l("Details of the request"), "textarea", required=True,
                 max_length=400),
        FieldDef("document", _l("Attached document (image or PDF)"), "attachment",
                 attachment=_IMAGES_OR_PDF),
    )))
