"""Households and residents, the population import, targets and the exact coverage roll-ups."""
