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
