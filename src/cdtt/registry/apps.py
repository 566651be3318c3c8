from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cdtt.registry"
    label = "registry"

    def ready(self):
        from cdtt.core.rollups import checker_register, rebuild_task_register
        from cdtt.registry import rollups
        from cdtt.registry.tasks import rollups_rebuild_job

        def rebuild() -> str:
            return ", ".join(f"{k}: {v}" for k, v in rollups.rollups_rebuild().items())

        def snapshot(day) -> str:
            return f"{rollups.snapshot_take(day)} villages on {day.isoformat()}"

        checker_register(
            "coverage", check=rollups.rollups_check, rebuild=rebuild, snapshot=snapshot
        )
        rebuild_task_register(rollups_rebuild_job)

        from cdtt.registry import evidence

        evidence.register()
