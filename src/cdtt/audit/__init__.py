"""The audit log: who changed what and when, written by the service layer for every write."""
