from django.apps import AppConfig


class MeetupsConfig(AppConfig):
    name = "meetups"
    verbose_name = "Paper club"

    def ready(self):
        from meetups import checks  # noqa: F401 - registers the deploy checks
