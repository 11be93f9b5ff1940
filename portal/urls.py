import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from portal import feeds, health, metrics, uploads, views
from portal.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("blog/", include("blog.urls")),
    path("talks/", include("talks.urls")),
    path("club/", include("meetups.urls")),
    path("papers/", include("meetups.urls_papers")),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag_detail"),
    path("tags/<slug:slug>/feed.rss", feeds.TagFeed(), name="tag_feed_rss"),
    path("tags/<slug:slug>/feed.atom", feeds.TagFeed.atom(), name="tag_feed_atom"),
    path("feeds/", views.feed_index, name="feed_index"),
    path("feeds/all.rss", feeds.AllFeed(), name="all_feed_rss"),
    path("feeds/all.atom", feeds.AllFeed.atom(), name="all_feed_atom"),
    path("search/", views.search_page, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon_ico, name="favicon_ico"),
    path("admin-tools/markdown/preview/", views.markdown_preview, name="markdown_preview"),
    path("admin-tools/markdown/upload/", uploads.markdown_image_upload, name="markdown_upload"),
    path("admin-tools/tags/", views.tag_suggestions, name="tag_suggestions"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/web", health.healthz_web, name="healthz_web"),
]

if settings.METRICS_ENABLED:
    # Prometheus's scrape address exists only when metrics are on.
    urlpatterns.append(path("metrics", metrics.metrics_view, name="metrics"))

if settings.SERVE_MEDIA:
    # static() only answers when DEBUG is on; this serves uploads in any mode.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{re.escape(media_prefix)}(?P<path>.*)$", uploads.serve_media))

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

admin.site.site_header = f"{settings.SITE_NAME} — organizer"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Posts, talks and the club"
