from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cdtt.documents"
    label = "documents"
    verbose_name = "Văn bản"
