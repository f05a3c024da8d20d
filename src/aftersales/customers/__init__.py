"""Customer files (C1), overview (C2), confidential access (C3), change history (C4), hotline lookup (C6)."""
