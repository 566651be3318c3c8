from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "cdtt.skills"
    label = "skills"
