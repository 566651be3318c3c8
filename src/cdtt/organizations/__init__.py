"""Organisations: the model, its writes (services), its scoped reads (selectors, access)."""
