from django.urls import path

from talks import feeds, views

app_name = "talks"

urlpatterns = [
    path("", views.talk_list, name="talk_list"),
    path("feed.rss", feeds.TalksFeed(), name="feed_rss"),
    path("feed.atom", feeds.TalksFeed.atom(), name="feed_atom"),
    path("<slug:slug>/", views.talk_detail, name="talk_detail"),
]
