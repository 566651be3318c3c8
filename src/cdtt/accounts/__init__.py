"""Users, their role and scope unit, organisations, API tokens and the access helpers."""
