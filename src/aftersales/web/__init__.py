"""The web shell: base layout, navigation by role, home page, language switch. No business rules."""
