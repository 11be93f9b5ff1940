"""Admin building blocks every app shares."""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import ngettext
from markdownx.widgets import AdminMarkdownxWidget
from taggit.forms import TagWidget
from taggit.managers import TaggableManager

from portal.models import Profile, ProfileLink, PublicationStatus, Redirect
from portal.uploads import reencode_image

# The profile photo's longer side in pixels: the home page shows it at most 96 px
# wide, and screens with three device pixels per CSS pixel want about that.
PROFILE_PHOTO_SIDE = 320


class PublicationStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return PublicationStatus.choices

    def queryset(self, request, queryset):
        match self.value():
            case PublicationStatus.DRAFT:
                return queryset.drafts()
            case PublicationStatus.SCHEDULED:
                return queryset.scheduled()
            case PublicationStatus.PUBLISHED:
                return queryset.published()
        return queryset


class MarkdownEditor(AdminMarkdownxWidget):
    """markdownx's admin editor, its preview with the published page's code colours."""

    class Media:
        css = {"all": ["portal/highlight.css", "portal/admin-preview.css"]}


class TagAutocompleteWidget(TagWidget):
    """
    Taggit's comma-separated field, suggesting existing tags for the word being
    typed, so one topic does not end up as "quic", "QUIC-protocol" and "Quic".
    """

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "data-tag-suggestions": "/admin-tools/tags/",
                "autocomplete": "off",
                "class": "vTextField",
                **(attrs or {}),
            }
        )

    class Media:
        css = {"all": ["portal/admin-tags.css"]}
        js = ["portal/admin-tags.js"]


class CompactListMixin:
    """A changelist that fits a laptop's screen: long texts wrap, dates read as the site's."""

    class Media:
        css = {"all": ["portal/admin-lists.css"]}


def short_datetime(value) -> str:
    """“1 December 2026, 16:18” in the site's zone, as the site writes dates; "—" for none."""
    if value is None:
        return "—"
    return dateformat.format(timezone.localtime(value), "j F Y, H:i")


class MarkdownAdminMixin:
    """
    The markdownx editor with live preview on the model's Markdown source fields,
    and tag suggestions on its tags.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            kwargs["widget"] = TagAutocompleteWidget
        if db_field.name in getattr(self.model, "markdown_fields", {}):
            kwargs["widget"] = MarkdownEditor
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PublishableAdmin(MarkdownAdminMixin, admin.ModelAdmin):
    """Status and tags columns, status filter, publish/unpublish actions."""

    actions = ["publish_now", "unpublish"]

    @admin.display(description="status")
    def status(self, obj):
        return obj.publication_status.label

    @admin.display(description="tags")
    def tag_list(self, obj):
        """The item's tag names, comma-separated (the change list prefetches `tags`)."""
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.action(description="Publish selected now")
    def publish_now(self, request, queryset):
        now = timezone.now()
        changed = 0
        for obj in queryset:
            if not obj.is_published():
                obj.publish(at=now)
                changed += 1
        self.message_user(
            request,
            ngettext("Published %d item.", "Published %d items.", changed) % changed,
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected (back to draft)")
    def unpublish(self, request, queryset):
        changed = 0
        for obj in queryset.exclude(published_at__isnull=True):
            obj.unpublish()
            changed += 1
        self.message_user(
            request,
            ngettext("Moved %d item back to draft.", "Moved %d items back to draft.", changed)
            % changed,
            messages.SUCCESS,
        )


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["name", "photo", "photo_description", "bio", "email"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            # Judged by its content and re-encoded, as every image upload is; it shows
            # small on the home page, so nobody downloads it at full size.
            return reencode_image(photo, max_side=PROFILE_PHOTO_SIDE)
        return photo


class ProfileLinkInline(admin.TabularInline):
    model = ProfileLink
    fields = ["label", "url", "position"]
    extra = 1


@admin.register(Profile)
class ProfileAdmin(MarkdownAdminMixin, admin.ModelAdmin):
    """One profile: the list leads straight to it, and a second cannot be added."""

    form = ProfileForm
    inlines = [ProfileLinkInline]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Profile.objects.exists()

    def changelist_view(self, request, extra_context=None):
        profile = Profile.objects.first()
        if profile is None:
            return HttpResponseRedirect(reverse("admin:portal_profile_add"))
        return HttpResponseRedirect(reverse("admin:portal_profile_change", args=[profile.pk]))
