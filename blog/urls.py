from django.urls import path, re_path

from blog import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("feed.rss", feeds.PostsFeed(), name="feed_rss"),
    path("feed.atom", feeds.PostsFeed.atom(), name="feed_atom"),
    re_path(r"^(?P<year>[0-9]{4})/$", views.post_year, name="post_year"),
    path("<slug:slug>/", views.post_detail, name="post_detail"),
]
