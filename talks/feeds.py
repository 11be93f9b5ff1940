from portal.feeds import TimelineFeed


class TalksFeed(TimelineFeed):
    kinds = {"talk"}
    title_suffix = ": talks"
    page_path = "/talks/"
