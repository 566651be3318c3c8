"""Campaigns with targets per unit, field visits and the offline field app, the daily summary."""
