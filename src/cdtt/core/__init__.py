"""Cross-cutting pieces: access rules, navigation, home page, jobs and their progress."""
