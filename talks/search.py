from portal import search
from talks.models import Talk


class TalkSearchSource(search.SearchSource):
    model = Talk
    kind = "talk"
    kind_label = "Talk"
    kind_label_plural = "Talks"
    listing_url_name = "talks:talk_list"

    def queryset(self):
        return Talk.objects.prefetch_related("tags", "co_speakers")

    def to_document(self, talk):
        co_speakers = " ".join(person.name for person in talk.co_speakers.all())
        return search.Document(
            title=talk.title,
            url=talk.get_absolute_url(),
            date=talk.starts_at,
            published_at=talk.published_at,
            # The event and the place are how people remember a talk (“the FOSDEM one”).
            body=f"{talk.event_name}. {talk.place}. {co_speakers} "
            f"{search.text_from_html(talk.abstract_html)}",
            tags=[tag.name for tag in talk.tags.all()],
            updated_at=talk.updated_at,
        )


search.register(TalkSearchSource())
