"""Signals of complaints: the K15 callback after closing is made in the callbacks queue (issue 15 point 1).

The complaints app never imports the callbacks app (which registers complaints from its calls): closing
sends `callback_due` and the callbacks app plans the callback of kind "after complaint" on it.
"""

from django.dispatch import Signal

# sent with: complaint (the closed Complaint), actor, assignee (the User who makes the call), started_at
callback_due = Signal()
