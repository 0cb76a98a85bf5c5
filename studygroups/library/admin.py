from django.contrib import admin

from .models import Author, Block, Document, DocumentAuthor, DocumentSource, Section, Topic
from .services import document_recount


class DocumentAuthorInline(admin.TabularInline):
    model = DocumentAuthor
    extra = 0
    autocomplete_fields = ["author"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "level", "heading", "anchor"]
    readonly_fields = ["anchor"]


class SourceInline(admin.TabularInline):
    model = DocumentSource
    extra = 0
    readonly_fields = ["file_name", "sha256", "location", "method", "imported_at", "is_primary"]
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "language",
        "published",
        "date_precision",
        "word_count",
        "needs_review",
        "created_at",
    ]
    list_filter = ["needs_review", "language", "date_precision", "topics", "created_at"]
    search_fields = ["title", "subtitle", "authors__name", "organization", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    readonly_fields = ["word_count", "reading_minutes", "text_hash", "text_changed_at"]
    inlines = [DocumentAuthorInline, SectionInline, SourceInline]
    list_per_page = 50

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        document_recount(document=form.instance)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    """Correct a paragraph's text; its anchor never changes."""

    list_display = ["anchor", "document", "kind", "order", "word_count"]
    list_filter = ["kind"]
    search_fields = ["text", "anchor", "document__title"]
    list_select_related = ["document"]
    readonly_fields = ["anchor", "word_count"]
    raw_id_fields = ["document", "section"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        document_recount(document=obj.document)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
