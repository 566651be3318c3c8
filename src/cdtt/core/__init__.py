"""The floor of every app: roles, access rules and scope, background jobs and their progress,
the roll-up checkers' registry. It imports no app above it."""
