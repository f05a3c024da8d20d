"""Event names of the knowledge base with their timeline labels (T1)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

ARTICLE_CREATED = "article.created"
ARTICLE_UPDATED = "article.updated"  # data["previous"] keeps the text of the version replaced

register_action_labels(
    {
        ARTICLE_CREATED: _("Knowledge-base article created"),
        ARTICLE_UPDATED: _("Knowledge-base article edited"),
    }
)
