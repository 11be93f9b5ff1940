from blog.models import Post
from portal import search


class PostSearchSource(search.SearchSource):
    model = Post
    kind = "post"
    kind_label = "Post"
    kind_label_plural = "Posts"
    listing_url_name = "blog:post_list"

    def queryset(self):
        return Post.objects.prefetch_related("tags")

    def to_document(self, post):
        return search.Document(
            title=post.title,
            url=post.get_absolute_url(),
            date=post.published_at or post.created_at,
            published_at=post.published_at,
            body=f"{post.summary} {search.text_from_html(post.body_html)}",
            tags=[tag.name for tag in post.tags.all()],
            updated_at=post.updated_at,
        )


search.register(PostSearchSource())
