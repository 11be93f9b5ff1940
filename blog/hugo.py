"""Hugo pages that are plain posts, saved as blog posts."""

from django.urls import reverse

from blog.models import Post
from portal.hugo.classify import Kind
from portal.hugo.plan import Planned
from portal.hugo.targets import ImportTarget, register, tag_names, tags_apply, values_apply


@register
class PostTarget(ImportTarget):
    kind = Kind.POST
    row = "posts"
    # Saved first: talks link to the posts that write them up.
    save_order = 0

    def page_path(self, planned: Planned) -> str:
        return reverse("blog:post_detail", kwargs={"slug": planned.slug})

    def section_paths(self) -> tuple[str, str]:
        return reverse("blog:post_list"), reverse("blog:feed_rss")

    def save(self, planned: Planned) -> tuple[bool, bool]:
        page = planned.page
        post = Post.objects.filter(slug=planned.slug).first()
        created = post is None
        if created:
            post = Post(slug=planned.slug, author=self.run.author)
        changed = values_apply(
            post,
            {
                "title": page.title,
                "body": self.run.links.markdown(page.body, planned),
                "summary": page.summary,
                "published_at": None if page.draft else page.published,
            },
        )
        if changed:
            post.full_clean(exclude=["body"] if not post.body.strip() else None)
            post.save()
        changed |= tags_apply(post, tag_names(page), created=created)
        return created, changed
