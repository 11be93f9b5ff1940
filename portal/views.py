import functools
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models.functions import Lower
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from taggit.models import Tag

from portal import search, timeline
from portal.forms import SearchForm, TagSuggestionForm
from portal.fragments import render_parts
from portal.links import absolute_url
from portal.markdown import render_markdown
from portal.models import Profile
from portal.pagination import paginate, paginate_uncounted
from portal.queries import PreparedQuery

HOME_UPCOMING = 3
TIMELINE_ENTRY = "portal/partials.html#timeline-entry"


# The profile's version: a change to it or to one of its links moves its updated_at.
_PROFILE_VERSION = PreparedQuery(
    lambda now, today: Profile.objects.order_by("pk").values_list("pk", "updated_at")[:1]
)


@require_safe
def home(request):
    page = paginate_uncounted(request, timeline.RenderedTimeline(template=TIMELINE_ENTRY))
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "upcoming_html": timeline.render_upcoming(
                limit=HOME_UPCOMING, template="portal/home.html#coming-up"
            ),
            "parts": _profile_parts(),
        },
    )


def _profile_parts() -> dict:
    """The profile block and the site's schema.org, cached by the profile's version."""
    version = (
        tuple(_PROFILE_VERSION.rows()),
        settings.SITE_URL,
        settings.SITE_NAME,
        settings.SITE_DESCRIPTION,
        settings.SITE_AUTHOR,
        settings.MEDIA_URL,
    )

    def context():
        profile = Profile.objects.prefetch_related("links").first()
        return {
            "profile": profile,
            "site_json_ld": _site_json_ld(profile),
            "site_author": settings.SITE_AUTHOR,
            "site_description": settings.SITE_DESCRIPTION,
        }

    return render_parts(
        "portal/home.html", ("site_meta", "profile"), version=version, context=context
    )


def _person(profile: Profile | None, home: str) -> dict:
    person = {"@type": "Person", "@id": f"{home}#author", "name": settings.SITE_AUTHOR, "url": home}
    if profile is not None:
        person["name"] = profile.name
        links = [link.url for link in profile.links.all()]
        if links:
            person["sameAs"] = links
        if profile.photo:
            person["image"] = absolute_url(profile.photo.url)
    return person


def _site_json_ld(profile: Profile | None) -> dict:
    """schema.org for search engines: the person behind the site, and its search."""
    home = absolute_url("/")
    return {
        "@context": "https://schema.org",
        "@graph": [
            _person(profile, home),
            {
                "@type": "WebSite",
                "@id": f"{home}#website",
                "name": settings.SITE_NAME,
                "description": settings.SITE_DESCRIPTION,
                "url": home,
                "author": {"@id": f"{home}#author"},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": absolute_url(reverse("search")) + "?q={search_term_string}",
                    },
                    "query-input": "required name=search_term_string",
                },
            },
        ],
    }


@require_safe
def tag_list(request):
    counts = timeline.tag_counts()
    tags = sorted(
        Tag.objects.filter(slug__in=list(counts)),
        key=lambda tag: (-counts[tag.slug], tag.name.lower()),
    )
    for tag in tags:
        tag.item_count = counts[tag.slug]
    return render(request, "portal/tag_list.html", {"tags": tags})


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, timeline.RenderedTimeline(template=TIMELINE_ENTRY, tag=tag.slug))
    return render(request, "portal/tag_detail.html", {"tag": tag, "page": page})


@require_safe
def search_page(request):
    """Results for ?q= across every kind (or one: ?kind=talk), best first, paginated."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "page": None}
    if not form.is_valid():
        if "kind" in form.errors:
            raise Http404("No such kind of result.")
        return render(request, "portal/search.html", context)
    query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    if query:
        results = search.search(query, kind=kind or None)
        context.update(
            query=query,
            kind=kind,
            page=paginate(request, results),
            page_params=_search_params(query, kind),
            kinds=_kind_filters(query, kind, results.counts_by_kind()),
        )
    return render(request, "portal/search.html", context)


def _search_params(query: str, kind: str) -> dict[str, str]:
    """The query parameters of a search, which each of its pages and kinds keeps."""
    return {"q": query, "kind": kind} if kind else {"q": query}


def _kind_filters(query: str, kind: str, counts: dict[str, int]) -> list[dict]:
    """“Everything (12) · Posts (8) · Talks (4)”: the kinds with matches, as links."""
    filters = [{"label": "Everything", "kind": "", "count": sum(counts.values())}]
    for source in search.sources():
        if counts.get(source.kind) or source.kind == kind:
            filters.append(
                {
                    "label": source.kind_label_plural,
                    "kind": source.kind,
                    "count": counts.get(source.kind, 0),
                }
            )
    for item in filters:
        item["query"] = urlencode(_search_params(query, item["kind"]))
        item["current"] = item["kind"] == kind
    return filters


@require_safe
def feed_index(request):
    return render(request, "portal/feed_index.html")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /admin-tools/"]
    lines.append(f"Sitemap: {absolute_url(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


FAVICON = Path(__file__).resolve().parent / "static" / "portal" / "favicon.ico"


@functools.cache
def _favicon() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def favicon_ico(request):
    """
    /favicon.ico, which browsers, feed readers and link previews ask for whatever
    the page's <link rel="icon"> says: the site's icon, kept for a week.
    """
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


@staff_member_required
@require_POST
def markdown_preview(request):
    """The admin editor's live preview: the same pipeline as the published page."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Missing 'content'.")
    return HttpResponse(render_markdown(request.POST["content"]))


TAG_SUGGESTIONS = 10


@staff_member_required
@require_safe
def tag_suggestions(request):
    """Existing tag names starting with ?q= (any case), for the admin's tag field."""
    form = TagSuggestionForm(request.GET)
    prefix = form.cleaned_data["q"] if form.is_valid() else ""
    if not prefix:
        return JsonResponse({"tags": []})
    names = (
        Tag.objects.filter(name__istartswith=prefix)
        .order_by(Lower("name"))
        .values_list("name", flat=True)[:TAG_SUGGESTIONS]
    )
    return JsonResponse({"tags": list(names)})


# --- Error pages ---------------------------------------------------------------------
# Django's own error views re-run the CSRF check, which reads the request body again:
# a body that could not be read the first time (a form declared UTF-16, say) raised
# once more inside the error page and reached the server as a crash. These read nothing
# of the request but its address and cookies.


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request: whatever failed may fail again in a context processor.
    return HttpResponseServerError(loader.get_template("500.html").render())
