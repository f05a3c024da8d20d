"""Page forms of approvals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledForm


class ApprovalDecideForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
