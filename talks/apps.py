from django.apps import AppConfig


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = "Talks"

    def ready(self):
        from portal import timeline
        from talks.timeline import TalkTimelineSource

        timeline.register(TalkTimelineSource())
