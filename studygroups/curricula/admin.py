from django.contrib import admin

from .models import Curriculum, DiscussionQuestion, Reading, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["order", "title"]
    extra = 0
    show_change_link = True


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "visibility", "version", "published_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["owners"]
    raw_id_fields = ["forked_from"]
    inlines = [UnitInline]


class ReadingInline(admin.TabularInline):
    model = Reading
    fields = ["order", "document", "start_anchor", "end_anchor", "required", "word_count"]
    readonly_fields = ["word_count"]
    raw_id_fields = ["document"]
    extra = 0


class QuestionInline(admin.StackedInline):
    model = DiscussionQuestion
    fields = ["order", "text", "answer_before_seeing", "facilitator_notes"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["title", "curriculum", "order"]
    search_fields = ["title", "curriculum__title"]
    raw_id_fields = ["curriculum", "copied_from"]
    inlines = [ReadingInline, QuestionInline]

    def save_formset(self, request, form, formset, change):
        # Keep the stored HTML of questions in step with their text.
        from studygroups.core.markdown import render_markdown

        instances = formset.save(commit=False)
        for obj in instances:
            if isinstance(obj, DiscussionQuestion):
                obj.text_html = render_markdown(obj.text, limited=True)
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
