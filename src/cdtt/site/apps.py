from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cdtt.site"
    label = "site"

    def ready(self):
        from cdtt.site import audit_labels
        from cdtt.site.remap_counts import register

        register()
        audit_labels.register()
