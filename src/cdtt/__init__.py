"""CDTT platform: the system a Vietnamese province runs its Community Digital Technology Teams on."""
