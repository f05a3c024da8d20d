"""Users, roles (SPEC "Roles"), departments, regions with their response tier (C9), service points, API tokens."""
