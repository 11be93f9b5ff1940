from portal.feeds import TimelineFeed


class PostsFeed(TimelineFeed):
    kinds = {"post"}
    title_suffix = ": blog"
    page_path = "/blog/"
