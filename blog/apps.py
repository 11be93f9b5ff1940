from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog.timeline import PostTimelineSource
        from portal import timeline

        timeline.register(PostTimelineSource())
