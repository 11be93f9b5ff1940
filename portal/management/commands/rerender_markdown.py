"""
Render every stored Markdown field again: after a change to the pipeline in
portal/markdown.py, existing posts, talks and sessions get the new HTML too
(it is otherwise rendered only when an item is saved).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from portal.models import RenderedMarkdownMixin


class Command(BaseCommand):
    help = "Re-render the stored HTML of every Markdown field with the current pipeline."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change, write nothing."
        )

    def handle(self, *args, dry_run, **options):
        total_changed = 0
        for model in apps.get_models():
            if not issubclass(model, RenderedMarkdownMixin) or not model.markdown_fields:
                continue
            targets = list(model.markdown_fields.values())
            changed = seen = 0
            for obj in model._default_manager.all().iterator(chunk_size=200):
                seen += 1
                before = [getattr(obj, target) for target in targets]
                obj.render_markdown_fields()
                if [getattr(obj, target) for target in targets] == before:
                    continue
                changed += 1
                if not dry_run:
                    # The HTML and the "updated" time: entries kept once per version of
                    # an item (portal.fragments) follow `updated_at`, and what the page
                    # shows did change. No calendar sequence or slug history moves.
                    obj.save(update_fields=[*targets, *_updated_at(model)])
            total_changed += changed
            self.stdout.write(f"{model._meta.label}: {changed} of {seen} changed")
        verb = "would change" if dry_run else "changed"
        items = ngettext("%d item", "%d items", total_changed) % total_changed
        self.stdout.write(self.style.SUCCESS(f"{items} {verb}."))


def _updated_at(model) -> list[str]:
    return [field.name for field in model._meta.fields if field.name == "updated_at"]
