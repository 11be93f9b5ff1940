"""Hugo pages that are talks (tagged `talk` or titled “Talk …”), saved as talks."""

from pathlib import Path

from django.core.files import File
from django.urls import reverse

from blog.models import Post
from portal.hugo.classify import Kind
from portal.hugo.files import same_content
from portal.hugo.links import Material, split_talk_materials
from portal.hugo.plan import Planned
from portal.hugo.targets import ImportTarget, register, tag_names, tags_apply, values_apply
from talks.models import Talk, TalkLink

UNKNOWN_EVENT = "Unknown event"
UNKNOWN_CITY = "Unknown"
_PDF_MAGIC = b"%PDF-"


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(_PDF_MAGIC)) == _PDF_MAGIC


@register
class TalkTarget(ImportTarget):
    kind = Kind.TALK
    row = "talks"
    # After the posts: a talk links to the post that writes it up.
    save_order = 2

    def page_path(self, planned: Planned) -> str:
        return reverse("talks:talk_detail", kwargs={"slug": planned.slug})

    def section_paths(self) -> tuple[str, str]:
        return reverse("talks:talk_list"), reverse("talks:feed_rss")

    def _materials(
        self, planned: Planned, materials: list[Material]
    ) -> tuple[dict, Path | None, list]:
        """The talk's fields, slides PDF and further links from the links under its text."""
        links_of = self.run.links
        values = {"recording_url": "", "slides_url": "", "writeup_post": None, "writeup_url": ""}
        slides_file: Path | None = None
        links = []
        for material in materials:
            roles = material.roles
            target = links_of.locate(material.url, planned)
            is_pdf = bool(target and target.file and _is_pdf(target.file))
            used = False
            if "writeup" in roles and not (values["writeup_post"] or values["writeup_url"]):
                if target and target.planned and target.planned.kind is Kind.POST:
                    post = Post.objects.filter(slug=target.planned.slug).first()
                    if post is not None:
                        values["writeup_post"] = post
                    else:
                        planned.page.notes.append(
                            f"the write-up {target.planned.page.name} was not imported: "
                            "no write-up linked."
                        )
                    used = True
                if not used:
                    values["writeup_url"] = links_of.web_url(material.url, planned)
                    used = bool(values["writeup_url"])
            if "slides" in roles and not (values["slides_url"] or slides_file):
                if is_pdf:
                    slides_file, used = target.file, True
                else:
                    values["slides_url"] = links_of.web_url(material.url, planned)
                    used = used or bool(values["slides_url"])
            if "recording" in roles and not is_pdf and not values["recording_url"]:
                values["recording_url"] = links_of.web_url(material.url, planned)
                used = used or bool(values["recording_url"])
            if not used:
                url = links_of.web_url(material.url, planned)
                if url:
                    links.append((material.label[:100], url))
        return values, slides_file, links

    def _attach_slides(self, talk: Talk, source: Path) -> bool:
        """Store `source` as the talk's slides PDF unless the same bytes are already there."""
        copier = self.run.copier
        if talk.slides_file and same_content(
            talk.slides_file.storage, talk.slides_file.name, source
        ):
            copier.unchanged.append(talk.slides_file.name)
            return False
        if self.run.dry_run:
            copier.copied.append(f"slides of {talk.slug}")
            return True
        previous = talk.slides_file.name if talk.slides_file else ""
        with source.open("rb") as handle:
            talk.slides_file.save(source.name, File(handle), save=False)
        copier.written(talk.slides_file.name)
        if previous and previous != talk.slides_file.name:
            copier.replaced(previous)
        return True

    def save(self, planned: Planned) -> tuple[bool, bool]:
        page, parsed = planned.page, planned.talk_title
        talk = Talk.objects.filter(slug=planned.slug).first()
        created = talk is None
        if created:
            talk = Talk(slug=planned.slug)
        abstract, materials = split_talk_materials(page.body)
        values = {
            "title": parsed.title[:200],
            "date": page.day,
            "abstract": self.run.links.markdown(abstract, planned),
            "published_at": None if page.draft else page.published,
        }
        # Hugo knows no event or city: they are guessed once, and what the organizer
        # corrects afterwards survives the next run. A venue in the title still wins.
        if parsed.venue:
            values["event_name"] = parsed.venue[:200]
        if created:
            values["event_name"] = (parsed.venue or UNKNOWN_EVENT)[:200]
            values["city"] = (parsed.venue or UNKNOWN_CITY)[:100]
            values["is_online"] = False
        material_values, slides_file, links = self._materials(planned, materials)
        values.update(material_values)
        changed = values_apply(talk, values)
        if talk.event_name == UNKNOWN_EVENT or talk.city == UNKNOWN_CITY:
            page.notes.append(
                f"the title names no venue (“@Venue”): event “{talk.event_name}”, "
                f"city “{talk.city}”."
            )
        elif parsed.venue and talk.city == parsed.venue:
            page.notes.append(f"event and city both taken from “@{parsed.venue}”: check the city.")
        if slides_file is not None:
            changed |= self._attach_slides(talk, slides_file)
        if changed:
            talk.full_clean()
            talk.save()
        current = [(link.label, link.url) for link in talk.links.all()] if not created else []
        if current != links:
            talk.links.all().delete()
            TalkLink.objects.bulk_create(
                TalkLink(talk=talk, label=label, url=url, position=position)
                for position, (label, url) in enumerate(links, start=1)
            )
            changed = True
        changed |= tags_apply(talk, tag_names(page), created=created)
        return created, changed
