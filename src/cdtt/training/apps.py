from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cdtt.training"
    label = "training"

    def ready(self):
        from cdtt.training import evidence

        evidence.register()
