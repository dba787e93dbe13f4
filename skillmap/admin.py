"""The map's admin: what Track editors change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from skillmap.models import (
    Bucket,
    Level,
    MapRevision,
    Passage,
    Requirement,
    Skill,
    SkillLevel,
    Step,
    Track,
)

# The collapsible sidebar's links fall short of WCAG contrast; the index page lists the same.
admin.site.enable_nav_sidebar = False
admin.site.site_header = "Skills Map administration"
admin.site.site_title = "Skills Map admin"


def long_text(rows: int = 3) -> forms.Textarea:
    """A text area as wide as the admin's form column: the words are read whole while edited."""
    return forms.Textarea(attrs={"rows": rows, "class": "vLargeTextField"})


# What a new slug breaks, for each kind of row: said beside the field, and again in a warning
# after a save that changed one.
SLUG_BREAKS: dict[type, str] = {
    Track: "The track's page address ends in it (/tracks/research-engineer/): old links and "
    "bookmarks to the page will answer “not found”.",
    Bucket: "Completed audits name the bucket by its slug: the progress page will no longer "
    "line up its earlier scores with new ones.",
    Skill: "The audit form and completed audits name the question by its slug: a form open in "
    "someone's browser can't save its answer, links to the question break, and the "
    "progress page will no longer line up earlier ratings with new ones.",
    Level: "Completed audits name the level by its slug: their results will say the track's "
    "requirements changed since.",
}


def slug_help(model: type) -> str:
    return f"Part of addresses and stored audits; change it only if you must. {SLUG_BREAKS[model]}"


def _renamed(form: ModelForm) -> bool:
    """Whether this save changes the slug of a row that had one."""
    return bool(form.initial.get("slug")) and "slug" in form.changed_data


class WarnsOfSlugs:
    """A slug field says what its slug names, so an editor knows what changing it breaks."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        model = db_field.model
        if db_field.name == "slug" and formfield is not None and model in SLUG_BREAKS:
            formfield.help_text = slug_help(model)
        return formfield


class ChangesMap(WarnsOfSlugs):
    """Admin for the map: every change moves the map's revision on, so pages update at once.

    save_related runs after the object and its inlines are saved (on add, change and the
    changelist's list_editable), so one bump covers the whole edit. A changed slug, of the row
    or of one of its inlines, is named in a warning after the save: old links to it are broken.
    """

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        MapRevision.bump()
        renamed = [form] if change and _renamed(form) else []
        renamed += [f for formset in formsets for f in formset.forms if _renamed(f)]
        for changed in renamed:
            obj = changed.instance
            messages.warning(
                request,
                f"The slug of “{obj}” is now “{obj.slug}” (it was “{changed.initial['slug']}”). "
                + SLUG_BREAKS.get(type(obj), "Links that used the old slug no longer work."),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        MapRevision.bump()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        MapRevision.bump()


class RequirementForm(forms.ModelForm):
    """A cell: the guide's label and level, or the level the app assumes where the label names
    an area; and the questions that measure it, all from the cell's own bucket."""

    class Meta:
        model = Requirement
        fields = "__all__"
        widgets = {
            "measured_by": forms.CheckboxSelectMultiple,
            "assumption": long_text(2),
            "rationale": long_text(4),
        }
        help_texts = {
            "assumption": "Why that level, in one line. Shown publicly on the track's page, "
            "after “The app’s assumption: …” in this bucket's Level column.",
            "rationale": "Optional. Shown publicly on the track's page, under “What that means” "
            "in this bucket's row: why the track needs this much of the bucket.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("level") and cleaned.get("assumed_level"):
            self.add_error(
                "assumed_level",
                "This cell's label names its level, so there is nothing to assume: leave the "
                "assumed level empty, or empty the level if the label names an area.",
            )
        if cleaned.get("assumed_level") and not cleaned.get("assumption", "").strip():
            self.add_error("assumption", "Say in one line why the app assumes this level.")
        bucket = cleaned.get("bucket")
        elsewhere = [
            s.name for s in cleaned.get("measured_by", []) if bucket and s.bucket_id != bucket.pk
        ]
        if elsewhere:
            self.add_error(
                "measured_by",
                f"Only questions of this cell’s bucket ({bucket}) can measure it, not: "
                + ", ".join(elsewhere)
                + ".",
            )
        return cleaned


# Stacked, not tabular: each field then has its own <label>, which screen readers need.
class RequirementInline(admin.StackedInline):
    model = Requirement
    form = RequirementForm
    fields = [
        "bucket",
        "label",
        "level",
        "assumed_level",
        "assumption",
        "measured_by",
        "rationale",
        "updated_at",
    ]
    readonly_fields = ["updated_at"]
    extra = 0

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """No add, change, view or delete icons beside a cell's bucket, levels and measuring
        skills: they act on the one Bucket, Level or Skill every track shares, which editing
        one cell must not touch."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        shared = ("bucket", "level", "assumed_level", "measured_by")
        if db_field.name in shared and formfield is not None:
            widget = formfield.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget.can_add_related = False
                widget.can_change_related = False
                widget.can_delete_related = False
                widget.can_view_related = False
        return formfield


@admin.register(Track)
class TrackAdmin(ChangesMap, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RequirementInline]


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = "__all__"
        widgets = {"question": long_text(2)}
        help_texts = {
            "question": "The question as people read it: the heading of this skill's question "
            "on the audit form and on the rate-me form a mentor opens, and the link to it in "
            "the form's list of questions still to rate.",
        }


class SkillInline(WarnsOfSlugs, admin.StackedInline):
    model = Skill
    form = SkillForm
    fields = ["name", "slug", "question", "added", "position"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


class SkillLevelForm(forms.ModelForm):
    class Meta:
        model = SkillLevel
        fields = "__all__"
        widgets = {"description": long_text(2)}
        help_texts = {
            "description": "The app's own words for what this rating looks like: shown beside "
            "the number on the audit form, and in the list under the question on the rate-me "
            "form. Concrete and observable.",
        }


# Stacked: a tabular inline hides each field's help in a tooltip.
class SkillLevelInline(admin.StackedInline):
    model = SkillLevel
    form = SkillLevelForm
    fields = ["rating", "description"]
    extra = 0
    max_num = 5


class StepForm(forms.ModelForm):
    """A step's words in text areas wide enough to read whole, and its tracks as checkboxes
    (seven, each with its own label)."""

    class Meta:
        model = Step
        fields = "__all__"
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "done_when": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "tracks": forms.CheckboxSelectMultiple,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        builds_on = cleaned.get("builds_on")
        if builds_on is not None and self.instance.pk and builds_on.pk == self.instance.pk:
            self.add_error("builds_on", "A step cannot build on itself.")
        return cleaned


STEP_FIELDS: tuple[str | tuple[str, ...], ...] = (
    "skill",
    "position",
    "title",
    "done_when",
    "kind",
    "hours",
    "url",
    ("min_rating", "max_rating"),
    "tracks",
    ("needs_gpu", "weekly"),
    "builds_on",
)


class ServesTrackFilter(admin.SimpleListFilter):
    """The steps a plan for a track may list: those naming it and those naming none (which
    serve every track), unlike a plain filter on the field, which would hide the latter."""

    title = "serves track"
    parameter_name = "serves"
    EVERY = "every"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (self.EVERY, "Every track (none ticked)"),
            *((t.slug, t.name) for t in Track.objects.all()),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if value == self.EVERY:
            return queryset.for_every_track()  # type: ignore[attr-defined]
        track = Track.objects.filter(slug=value).first()
        return queryset.serving(track) if track else queryset.none()  # type: ignore[attr-defined]


# Stacked for the same reason as requirements: each field keeps its own <label>.
class StepInline(admin.StackedInline):
    model = Step
    form = StepForm
    # What it builds on is chosen on the step's own page: a list of every step in each of a
    # skill's inline forms would be long and slow.
    fields = tuple(f for f in STEP_FIELDS if f not in ("skill", "builds_on"))
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Step]:
        return super().get_queryset(request).prefetch_related("tracks")


class BucketForm(forms.ModelForm):
    class Meta:
        model = Bucket
        fields = "__all__"
        widgets = {"description": long_text(2)}
        help_texts = {
            "description": "Shown under the bucket's name on the home page (“The four "
            "buckets”) and in each track page's table.",
        }


@admin.register(Bucket)
class BucketAdmin(ChangesMap, admin.ModelAdmin):
    form = BucketForm
    list_display = ["name", "short_name", "description", "position"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SkillInline]


@admin.register(Skill)
class SkillAdmin(ChangesMap, admin.ModelAdmin):
    form = SkillForm
    list_display = ["name", "bucket", "question", "added", "position"]
    list_filter = ["bucket", "added"]
    list_select_related = ["bucket"]
    search_fields = ["name", "question"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SkillLevelInline, StepInline]


@admin.register(Step)
class StepAdmin(ChangesMap, admin.ModelAdmin):
    form = StepForm
    fields = STEP_FIELDS
    list_display = [
        "title",
        "skill",
        "served_tracks",
        "hours",
        "rating_range",
        "needs_gpu",
        "weekly",
        "position",
    ]
    list_filter = ["skill", ServesTrackFilter, "kind", "needs_gpu"]
    list_select_related = ["skill"]
    search_fields = ["title", "done_when"]
    ordering = ["skill__position", "skill_id", "position", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Step]:
        return super().get_queryset(request).prefetch_related("tracks")

    @admin.display(description="serves")
    def served_tracks(self, step: Step) -> str:
        return ", ".join(t.name for t in step.tracks.all()) or "Every track"

    @admin.display(description="ratings")
    def rating_range(self, step: Step) -> str:
        return f"{step.min_rating or 1}–{step.max_rating or 5}"


class LevelForm(forms.ModelForm):
    class Meta:
        model = Level
        fields = "__all__"
        widgets = {"meaning": long_text(2), "app_meaning": long_text(2)}
        help_texts = {
            "meaning": "The guide's own words for this level, if it has any. Shown on the home "
            "page's key to the table (“How to read this table”) and on track pages (“What "
            "that means”, and the “What you’ll be hired on” list).",
            "app_meaning": "The app's own words, used where the guide gives none: shown on "
            "track pages under “What that means”, marked as the app's words.",
        }


@admin.register(Level)
class LevelAdmin(ChangesMap, admin.ModelAdmin):
    form = LevelForm
    list_display = ["name", "rank", "target", "meaning", "app_meaning"]
    search_fields = ["name", "meaning", "app_meaning"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Requirement)
class RequirementAdmin(ChangesMap, admin.ModelAdmin):
    form = RequirementForm
    list_display = ["track", "bucket", "label", "level", "assumed_level", "updated_at"]
    list_filter = ["track", "bucket", "level"]
    list_select_related = ["track", "bucket", "level", "assumed_level"]
    search_fields = ["label", "rationale", "track__name"]
    readonly_fields = ["updated_at"]


# Where the site shows each passage of the guide; the pages find a passage by its slug.
PASSAGE_PLACES = {
    "tagline": "the home page, under its heading",
    "big_idea": "the home page, under “The big idea”",
    "how_to_read": "the home page, under “How to read this table”",
    "honest_baseline": "the audit form, under its heading",
    "honest_point": "the audit form, under its heading; quoted after the six-week plan on "
    "results pages; and on the rate-me form a mentor opens",
}


class PassageForm(forms.ModelForm):
    class Meta:
        model = Passage
        fields = "__all__"
        widgets = {"body": long_text(6)}


@admin.register(Passage)
class PassageAdmin(ChangesMap, admin.ModelAdmin):
    form = PassageForm
    list_display = ["slug", "title"]
    search_fields = ["slug", "title", "body"]

    def get_readonly_fields(self, request: HttpRequest, obj: Passage | None = None) -> Any:
        # The pages look a passage up by its slug: a new one would take it off its page.
        return ["slug"] if obj is not None else []

    def get_form(
        self, request: HttpRequest, obj: Passage | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        place = PASSAGE_PLACES.get(obj.slug) if obj is not None else None
        form.base_fields["body"].help_text = (
            f"The guide's words, shown on {place}."
            if place
            else "No page shows a passage with this slug: the pages look passages up by slug."
        )
        return form
