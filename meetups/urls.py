from django.urls import path
from django.views.decorators.http import conditional_page

from meetups import feeds
from meetups.views import (
    attendance,
    club,
    downloads,
    presenters,
    subscriptions,
    suggestions,
    votes,
)

app_name = "meetups"

urlpatterns = [
    path("", club.series_list, name="series_list"),
    # Feed readers poll: an unchanged feed answers 304.
    path("feed.rss", conditional_page(feeds.SessionsFeed()), name="feed_rss"),
    path("feed.atom", conditional_page(feeds.SessionsFeed.atom()), name="feed_atom"),
    # Signed links from the club's emails (attendees have no accounts).
    path(
        "subscriptions/confirm/<str:token>/",
        subscriptions.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "subscriptions/manage/<str:token>/",
        subscriptions.subscription_manage,
        name="subscription_manage",
    ),
    path(
        "subscriptions/unsubscribe/<str:token>/",
        subscriptions.subscription_unsubscribe,
        name="subscription_unsubscribe",
    ),
    path(
        "suggestions/confirm/<str:token>/",
        suggestions.suggestion_confirm,
        name="suggestion_confirm",
    ),
    path("votes/<str:token>/", votes.vote_link, name="vote_link"),
    path("presenting/<str:token>/", presenters.claim_confirm, name="claim_confirm"),
    path(
        "subscriptions/rsvp/confirm/<str:token>/",
        attendance.attendance_confirm,
        name="attendance_confirm",
    ),
    path(
        "subscriptions/rsvp/announced/<str:token>/",
        attendance.attendance_from_announcement,
        name="attendance_from_announcement",
    ),
    path("subscriptions/rsvp/<str:token>/", attendance.attendance_detail, name="attendance_detail"),
    path("<slug:series>/", club.series_detail, name="series_detail"),
    path("<slug:series>/suggestions/", suggestions.suggestion_list, name="suggestion_list"),
    path("<slug:series>/suggestions/suggest/", suggestions.suggest, name="suggest"),
    path("<slug:series>/suggestions/sent/", suggestions.suggestion_sent, name="suggestion_sent"),
    path("<slug:series>/suggestions/<int:pk>/vote/", votes.vote, name="vote"),
    path("<slug:series>/suggestions/<int:pk>/vote/sent/", votes.vote_sent, name="vote_sent"),
    path(
        "<slug:series>/suggestions/<int:pk>/present/",
        presenters.claim_suggestion,
        name="claim_suggestion",
    ),
    path("<slug:series>/present/sent/", presenters.claim_sent, name="claim_sent"),
    path("<slug:series>/subscribe/", subscriptions.subscribe, name="subscribe"),
    path("<slug:series>/subscribe/sent/", subscriptions.subscribe_sent, name="subscribe_sent"),
    path("<slug:series>/calendar.ics", downloads.series_calendar, name="series_calendar"),
    path("<slug:series>/reading-list.bib", downloads.series_bibtex, name="series_bibtex"),
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
    path("<slug:series>/<int:number>/", club.session_detail, name="session_detail"),
    path("<slug:series>/<int:number>/rsvp/", attendance.rsvp, name="rsvp"),
    path("<slug:series>/<int:number>/rsvp/sent/", attendance.rsvp_sent, name="rsvp_sent"),
    path(
        "<slug:series>/<int:number>/present/<int:entry>/",
        presenters.claim_entry,
        name="claim_entry",
    ),
    path(
        "<slug:series>/<int:number>/session.ics",
        downloads.session_calendar,
        name="session_calendar",
    ),
    path(
        "<slug:series>/<int:number>/reading-list.bib",
        downloads.session_bibtex,
        name="session_bibtex",
    ),
]
