"""Event names for customer files, with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

CUSTOMER_CREATED = "customer.created"
CUSTOMER_UPDATED = "customer.updated"
CUSTOMER_READ = "customer.read"  # C3: a non-owner opened the file
CUSTOMER_EXPORTED = "customer.exported"  # C3: every export
CUSTOMER_IMPORTED = "customer.imported"
CONTACT_CREATED = "contact.created"
CONTACT_UPDATED = "contact.updated"
ACCESS_REQUESTED = "customeraccessrequest.requested"
ACCESS_APPROVED = "customeraccessrequest.approved"
ACCESS_REFUSED = "customeraccessrequest.refused"
ACCESS_REVOKED = "customeraccessrequest.revoked"

register_action_labels(
    {
        CUSTOMER_CREATED: _("Customer file created"),
        CUSTOMER_UPDATED: _("Customer file changed"),
        CUSTOMER_READ: _("Customer file read by a non-owner"),
        CUSTOMER_EXPORTED: _("Customer files exported"),
        CUSTOMER_IMPORTED: _("Imported from Excel"),
        CONTACT_CREATED: _("Contact added"),
        CONTACT_UPDATED: _("Contact changed"),
        ACCESS_REQUESTED: _("Access requested"),
        ACCESS_APPROVED: _("Access approved"),
        ACCESS_REFUSED: _("Access refused"),
        ACCESS_REVOKED: _("Access revoked"),
    }
)

# C7 visits, C5 vetting
VISIT_PLAN_CREATED = "visitplan.created"
VISIT_PLAN_ITEM_ADDED = "visitplan.item_added"
VISIT_PLAN_ITEM_REMOVED = "visitplan.item_removed"
VISIT_REPORTED = "visitreport.filed"
GIFT_REQUESTED = "giftrequest.requested"
VETTING_CREATED = "vetting.created"
VETTING_UPDATED = "vetting.updated"
VETTING_FILE_ADDED = "vetting.file_added"
VETTING_CUSTOMER_CREATED = "vetting.customer_created"

register_action_labels(
    {
        VISIT_PLAN_CREATED: _("Visit plan created"),
        VISIT_PLAN_ITEM_ADDED: _("Visit planned"),
        VISIT_PLAN_ITEM_REMOVED: _("Planned visit removed"),
        VISIT_REPORTED: _("Visit reported"),
        GIFT_REQUESTED: _("Gift approval asked"),
        "giftrequest.approved": _("Gift approved"),
        "giftrequest.refused": _("Gift refused"),
        "giftrequest.given": _("Gift given"),
        VETTING_CREATED: _("Vetting started"),
        VETTING_UPDATED: _("Vetting changed"),
        VETTING_FILE_ADDED: _("File archived with the vetting"),
        VETTING_CUSTOMER_CREATED: _("Customer file created from the vetting"),
        "vetting.submitted": _("Vetting submitted for decision"),
        "vetting.approved": _("Vetting approved"),
        "vetting.rejected": _("Vetting rejected"),
        "vetting.needs_more": _("More investigation asked"),
        "vetting.draft": _("Vetting reopened"),
    }
)
