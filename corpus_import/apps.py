from django.apps import AppConfig


class CorpusImportConfig(AppConfig):
    name = "corpus_import"
    verbose_name = "Corpus import"
