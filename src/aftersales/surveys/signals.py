"""Signals of the survey: a low score is heard by whoever opens its follow-up (V4 → callbacks, point 5)."""

from django.dispatch import Signal

# sent with: source ("survey" | "rating" | "callback"), customer_id, subject (the record), note, actor
low_score = Signal()
