from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cdtt.training"
    label = "training"
