from django.contrib import admin

from .models import ImportBatch, ImportedDocument, ImportFile


class ImportFileInline(admin.TabularInline):
    model = ImportFile
    extra = 0
    can_delete = False
    fields = [
        "name",
        "status",
        "format",
        "documents",
        "words_read",
        "words_kept",
        "words_chrome",
        "errors",
    ]
    readonly_fields = fields


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "created_at", "method", "status", "files_total", "files_failed",
                    "created_count", "duplicate_count", "created_by"]  # fmt: skip
    list_filter = ["status", "method"]
    readonly_fields = ["report"]
    inlines = [ImportFileInline]


@admin.register(ImportedDocument)
class ImportedDocumentAdmin(admin.ModelAdmin):
    list_display = ["document", "structure_score", "resegmented", "updated_at"]
    raw_id_fields = ["document"]
    exclude = ["signature"]
