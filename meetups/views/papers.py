"""The paper library: every paper read in a published session, searchable, and one paper."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from meetups.models import Paper
from meetups.queries import paper_history
from portal.pagination import paginate
from portal.query_text import query_text


@require_safe
def paper_list(request):
    query, author, tag_slug = (
        query_text(request, name, max_length=200) for name in ("q", "author", "tag")
    )
    tag = None
    if tag_slug:
        tag = Tag.objects.filter(slug=tag_slug).first()
        if tag is None:
            raise Http404(f"No tag “{tag_slug}”.")
    papers = (
        Paper.objects.read_in_published_sessions()
        .matching(query=query, author=author, tag=tag_slug)
        .with_readings()
    )
    tags = (
        Tag.objects.filter(
            sessions__published_at__lte=timezone.now(), sessions__reading_list__isnull=False
        )
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "meetups/paper_list.html",
        {
            "page": paginate(request, papers),
            "query": query,
            "author": author,
            "tag": tag,
            "tags": tags,
            "filtered": bool(query or author or tag),
        },
    )


@require_safe
def paper_detail(request, pk):
    papers = Paper.objects.all()
    if not (request.user.is_active and request.user.is_staff):
        papers = papers.read_in_published_sessions()
    paper = get_object_or_404(papers.with_readings(), pk=pk)
    return render(
        request,
        "meetups/paper_detail.html",
        {"paper": paper, "suggestions": paper_history(paper.pk)},
    )
