"""Honours on Digital Transformation Day and the Prime Minister's dialogue: rounds, nominations, the review chain, decisions, awards."""

from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "cdtt.honours"
    label = "honours"

    def ready(self) -> None:
        # The awards on a person's or a collective's record, for nominations and record pages.
        from cdtt.honours import evidence

        evidence.register()
