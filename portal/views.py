from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from markdownx.views import ImageUploadView
from taggit.models import Tag

from portal import timeline
from portal.links import absolute_url
from portal.markdown import render_markdown
from portal.pagination import paginate

HOME_UPCOMING = 3


@require_safe
def home(request):
    page = paginate(request, timeline.Timeline())
    return render(
        request,
        "portal/home.html",
        {"page": page, "upcoming": timeline.upcoming(limit=HOME_UPCOMING)},
    )


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
    page = paginate(request, timeline.Timeline(tag=tag.slug))
    return render(request, "portal/tag_detail.html", {"tag": tag, "page": page})


@require_safe
def feed_index(request):
    return render(request, "portal/feed_index.html")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /admin-tools/"]
    try:
        lines.append(f"Sitemap: {absolute_url(reverse('sitemap'))}")
    except Exception:  # the sitemap arrives with its own issue
        pass
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@staff_member_required
@require_POST
def markdown_preview(request):
    """The admin editor's live preview: the same pipeline as the published page."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Missing 'content'.")
    return HttpResponse(render_markdown(request.POST["content"]))


markdown_image_upload = staff_member_required(ImageUploadView.as_view())
