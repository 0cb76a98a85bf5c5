"""Import batches, their per-file results and stored reports; what the importer remembers
about the documents it made (near-duplicate signature, structure score)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Which definition of word ids and shingles made a stored signature (`dedupe`): a library
# whose signatures an earlier one made has them made again, not compared.
# 1: CRC-32 of each word's UTF-8; 2: `normalize.word_id`, a polynomial hash of the code
# points (found for a whole text at once).
SIGNATURE_VERSION = 2


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        RUNNING = "running", _("Importing")
        FAILED = "failed", _("Failed (can be confirmed again)")
        DONE = "done", _("Imported")
        PARTIAL = "partial", _("Imported with errors")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        COMMAND = "command", _("import command")
        UPLOAD = "upload", _("web upload")
        ADMIN = "admin", _("admin")
        DEMO = "demo", _("demo content")

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.COMMAND)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    report = models.JSONField(default=dict, blank=True)
    # A preview's corrections, saved page by page before it is confirmed: document key
    # ("f<file>-d<document>") -> {"title", "authors", "published"} as typed.
    corrections = models.JSONField(default=dict, blank=True)
    files_total = models.PositiveIntegerField(default=0)
    files_failed = models.PositiveIntegerField(default=0)
    documents_found = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return _("Import #%(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("corpus_import:batch", kwargs={"pk": self.pk})


class ImportFile(models.Model):
    """One file of a batch and what became of it."""

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    errors = models.JSONField(default=list, blank=True)
    documents = models.PositiveIntegerField(default=0)
    words_read = models.PositiveIntegerField(default=0)
    words_kept = models.PositiveIntegerField(default=0)
    words_chrome = models.IntegerField(default=0)
    words_metadata = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class StagedFile(models.Model):
    """An uploaded file kept between the preview and the confirmation of a web import."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="staged")
    name = models.CharField(max_length=500)
    data = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ImportedDocument(models.Model):
    """What the importer remembers about a library document it made or updated."""

    document = models.OneToOneField(
        "library.Document", on_delete=models.CASCADE, related_name="import_record"
    )
    signature = models.BinaryField(help_text="MinHash signature (128 × uint64).")
    # Made by another definition than SIGNATURE_VERSION: made again from the document's
    # text before it is compared (`load.Importer.index`).
    signature_version = models.PositiveSmallIntegerField(default=SIGNATURE_VERSION)
    structure_score = models.PositiveIntegerField(default=0)
    resegmented = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Import record of document {self.document_id}"
