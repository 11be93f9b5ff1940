from django.urls import path
from django.views.decorators.http import conditional_page

from meetups import feeds, views

app_name = "meetups"

urlpatterns = [
    path("", views.series_list, name="series_list"),
    # Feed readers poll: an unchanged feed answers 304.
    path("feed.rss", conditional_page(feeds.SessionsFeed()), name="feed_rss"),
    path("feed.atom", conditional_page(feeds.SessionsFeed.atom()), name="feed_atom"),
    # Signed links from the club's emails (attendees have no accounts).
    path(
        "subscriptions/confirm/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "subscriptions/manage/<str:token>/", views.subscription_manage, name="subscription_manage"
    ),
    path(
        "subscriptions/unsubscribe/<str:token>/",
        views.subscription_unsubscribe,
        name="subscription_unsubscribe",
    ),
    path("<slug:series>/", views.series_detail, name="series_detail"),
    path("<slug:series>/subscribe/", views.subscribe, name="subscribe"),
    path("<slug:series>/subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("<slug:series>/calendar.ics", views.series_calendar, name="series_calendar"),
    path("<slug:series>/reading-list.bib", views.series_bibtex, name="series_bibtex"),
    path(
        "<slug:series>/feed.rss",
        conditional_page(feeds.SeriesSessionsFeed()),
        name="series_feed_rss",
    ),
    path(
        "<slug:series>/feed.atom",
        conditional_page(feeds.SeriesSessionsFeed.atom()),
        name="series_feed_atom",
    ),
    path("<slug:series>/<int:number>/", views.session_detail, name="session_detail"),
    path(
        "<slug:series>/<int:number>/session.ics",
        views.session_calendar,
        name="session_calendar",
    ),
    path(
        "<slug:series>/<int:number>/reading-list.bib",
        views.session_bibtex,
        name="session_bibtex",
    ),
]
