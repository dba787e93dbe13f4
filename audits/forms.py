"""Every form of the audits app: the rating form and the track choice, sharing and rate-me
links, the plan's hours, the account forms, and cohorts."""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.cache import caches
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from audits import plans, scoring
from audits.models import DEFAULT_MIN_GROUP, LEAST_MIN_GROUP, Cohort, Expiry, Membership
from skillmap import values
from skillmap.values import Skill, Track

RATING_CHOICES = [(str(n), str(n)) for n in range(scoring.RATING_MIN, scoring.RATING_MAX + 1)]
RATING_CHOICES_BY_TEXT = {str(n): n for n in range(scoring.RATING_MIN, scoring.RATING_MAX + 1)}
# What each point of the 1–5 scale means, in the guide's terms: literacy, not a liability,
# hired on. Which levels a point meets comes from the levels' targets (editable in admin).
SCALE = (
    (1, "Not yet", "You couldn’t do this unaided today."),
    (2, "Literacy", "You can follow it and talk about it, but not do it well."),
    (3, "Not a liability", "You do it competently, with references to hand."),
    (4, "Strong", "You do it well and unaided; others notice."),
    (5, "Hired on", "You could be hired on this; it is genuinely strong."),
)

RATING_PREFIX = "rating-"
NOTE_PREFIX = "note-"


@dataclasses.dataclass(frozen=True)
class QuestionCount:
    """How many questions a track's form asks, and how many more it offers as optional (they
    measure only other tracks): the one wording of it, on the start page and on the form."""

    asked: int
    optional: int

    def __str__(self) -> str:
        text = f"{self.asked} question{'' if self.asked == 1 else 's'}"
        return f"{text}, {self.optional} more optional" if self.optional else text


def question_count(skill_map: values.SkillMap, track: Track) -> QuestionCount:
    asked = len(skill_map.questions_for(track))
    return QuestionCount(asked=asked, optional=len(skill_map.skills) - asked)


class TrackChoiceForm(forms.Form):
    track = forms.ChoiceField(
        label="Target track",
        error_messages={
            "required": "Choose the track you are aiming for.",
            "invalid_choice": "There is no track called “%(value)s”. Pick one from the list.",
        },
    )

    def __init__(
        self, *args: Any, skill_map: values.SkillMap, with_counts: bool = False, **kwargs: Any
    ) -> None:
        """`with_counts`: each track's name says how many questions its form asks."""
        super().__init__(*args, **kwargs)
        field = self.fields["track"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (t.slug, f"{t.name} ({question_count(skill_map, t)})" if with_counts else t.name)
            for t in skill_map.tracks
        ]
        self.skill_map = skill_map

    def chosen(self) -> values.Track:
        track = self.skill_map.track(self.cleaned_data["track"])
        assert track is not None  # the choices are the map's tracks
        return track


class RatingsForm(forms.Form):
    """A 1–5 choice and a short note per skill; any subset may be sent (live saves send a few).

    Field names carry the skill's slug, so a posted name that matches no skill is refused
    rather than silently ignored.
    """

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        skill_map: values.SkillMap,
        initial: dict[str, tuple[int, str]] | None = None,
        fragments: str = "",
    ) -> None:
        """`fragments`: the map's digest, when the radios drawn for it may be kept in the
        process's map cache (they depend on nothing else but the chosen number)."""
        super().__init__(data)
        self.skill_map = skill_map
        self.fragments = fragments
        initial = initial or {}
        for skill in skill_map.skills:
            value, note = initial.get(skill.slug, (None, ""))
            self.fields[RATING_PREFIX + skill.slug] = forms.TypedChoiceField(
                label=skill.question,
                choices=RATING_CHOICES,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                initial=str(value) if value else None,
                error_messages={
                    "invalid_choice": "A rating is a whole number from 1 to 5.",
                },
            )
            self.fields[NOTE_PREFIX + skill.slug] = forms.CharField(
                # Errors are listed by label in the panel, so it names the skill.
                label=f"Your note on {skill.name}",
                required=False,
                max_length=280,
                initial=note,
                strip=True,
            )

    def unknown_fields(self) -> list[str]:
        """Posted rating or note names that match no skill on the map."""
        if self.data is None:
            return []
        return sorted(
            name
            for name in self.data
            if name.startswith((RATING_PREFIX, NOTE_PREFIX)) and name not in self.fields
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for skill in self.skill_map.skills:
            name = RATING_PREFIX + skill.slug
            # An unchecked radio sends nothing, so a rating that is sent empty is a bad request,
            # not "leave it as it was".
            if name in self.data and not str(self.data[name]).strip() and name not in self.errors:
                self.add_error(name, "A rating is a whole number from 1 to 5.")
            note = cleaned.get(NOTE_PREFIX + skill.slug)
            if note and cleaned.get(RATING_PREFIX + skill.slug) in (None, ""):
                self.add_error(NOTE_PREFIX + skill.slug, "Pick a rating to keep this note.")
        return cleaned

    def values(self) -> dict[int, tuple[int, str]]:
        """{skill id: (value, note)} for the skills this post rated."""
        result = {}
        for skill in self.skill_map.skills:
            value = self.cleaned_data.get(RATING_PREFIX + skill.slug)
            if value not in (None, ""):
                result[skill.id] = (int(value), self.cleaned_data.get(NOTE_PREFIX + skill.slug, ""))
        return result

    def fieldsets(self, skills: tuple[Skill, ...] | None = None) -> list[dict[str, Any]]:
        """Per skill, its bucket, its two fields and its question, in map order."""
        buckets = {b.slug: b for b in self.skill_map.buckets}
        return [
            {
                "skill": skill,
                "bucket": buckets.get(skill.bucket),
                "rating": self[RATING_PREFIX + skill.slug],
                "choices": self._choices_html(self[RATING_PREFIX + skill.slug], skill),
                "note": self[NOTE_PREFIX + skill.slug],
                "stands_in": self.skill_map.stands_in_for(skill),
            }
            for skill in (self.skill_map.skills if skills is None else skills)
        ]

    def sections(self, track: Track) -> dict[str, list[dict[str, Any]]]:
        """The questions this track's form asks (so that one form measures every cell of it),
        and the rest, which only other tracks' cells need: optional, kept when answered."""
        asked = self.skill_map.questions_for(track)
        others = tuple(s for s in self.skill_map.skills if s not in asked)
        return {"asked": self.fieldsets(asked), "optional": self.fieldsets(others)}

    def _choices_html(self, rating: forms.BoundField, skill: Skill) -> str:
        """The five labelled radios, each saying what that rating looks like for this skill
        where the map describes it. The same for everyone who chose the same number, so with
        the map's digest to key it (`fragments`) each variant is drawn once per process: the
        form is the busiest page, and its radios were a third of its time."""
        # A refused post may hold anything here: only one of the five numbers is ever checked.
        chosen = RATING_CHOICES_BY_TEXT.get(str(rating.value()), 0)
        if not self.fragments:
            return self._draw_choices(rating, skill, chosen)
        drawn = caches["map"].get_or_set(
            f"choices:{self.fragments}:{skill.slug}:{chosen}",
            lambda: self._draw_choices(rating, skill, chosen),
        )
        assert isinstance(drawn, str)
        return drawn

    @staticmethod
    def _draw_choices(rating: forms.BoundField, skill: Skill, chosen: int) -> str:
        described = len(skill.levels) == len(SCALE)
        points = [
            (number, word, skill.levels[index] if described else "")
            for index, (number, word, _) in enumerate(SCALE)
        ]
        context = {
            "points": points,
            "chosen": chosen,
            "auto_id": rating.auto_id,
            "name": rating.html_name,
        }
        # Drawn by an autoescaping template, so safe to insert as it is.
        return mark_safe(render_to_string("audits/_choices.html", context))


def scale_points(skill_map: values.SkillMap) -> list[dict[str, Any]]:
    return [
        {
            "value": value,
            "name": name,
            "description": description,
            "levels": [lv.name for lv in skill_map.levels if lv.target == value],
        }
        for value, name, description in SCALE
    ]


class ShareLinkForm(forms.Form):
    # Both link forms sit on one page: the prefix keeps their ids and names apart.
    prefix = "share"

    label = forms.CharField(
        label="A name for this link",
        max_length=80,
        required=False,
        help_text="Optional. Only you see it, in your list, e.g. “for my mentor”.",
    )
    days = forms.TypedChoiceField(
        label="Expires after", choices=Expiry.choices, coerce=int, initial=Expiry.MONTH
    )
    include_notes = forms.BooleanField(
        label="Include my notes", required=False, help_text="Your notes show in the plan."
    )


class RatingRequestForm(forms.Form):
    prefix = "rate"

    label = forms.CharField(
        label="Who is it for?",
        max_length=80,
        help_text="Only you see this, e.g. “my manager”.",
    )
    from_name = forms.CharField(
        label="Your name, as they will see it",
        max_length=80,
        required=False,
        help_text="Optional: without it they see no name.",
    )
    note_to_rater = forms.CharField(
        label="A note to them",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional, shown atop their form. Sign it: say who is asking.",
    )
    days = forms.TypedChoiceField(
        label="Expires after", choices=Expiry.choices, coerce=int, initial=Expiry.MONTH
    )


class OutsideRatingsForm(RatingsForm):
    """The owner's own form, for someone else: the questions the owner's target track asks on
    the map the audit was taken against, every one to be rated, each with an optional comment."""

    def __init__(self, data: QueryDict | None, *, skill_map: values.SkillMap, track: values.Track):
        asked = dataclasses.replace(skill_map, skills=skill_map.questions_for(track))
        super().__init__(data, skill_map=asked)
        for skill in asked.skills:
            self.fields[NOTE_PREFIX + skill.slug].label = f"Your comment on {skill.name}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for skill in self.skill_map.skills:
            name = RATING_PREFIX + skill.slug
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, "Rate this from 1 to 5.")
        return cleaned

    def unrated(self) -> list[Skill]:
        """The questions a refused post left without a valid rating, in form order."""
        if not self.is_bound:
            return []
        return [s for s in self.skill_map.skills if RATING_PREFIX + s.slug in self.errors]

    def answers(self) -> tuple[dict[str, int], dict[str, str]]:
        """({skill slug: rating}, {skill slug: comment}) for every question."""
        ratings = {
            s.slug: int(self.cleaned_data[RATING_PREFIX + s.slug]) for s in self.skill_map.skills
        }
        comments = {
            s.slug: self.cleaned_data.get(NOTE_PREFIX + s.slug, "") for s in self.skill_map.skills
        }
        return ratings, comments


class HoursForm(forms.Form):
    hours = forms.IntegerField(
        label="Hours a week",
        min_value=plans.MIN_HOURS,
        max_value=plans.MAX_HOURS,
        error_messages={
            "invalid": f"Hours a week must be a whole number from {plans.MIN_HOURS} to "
            f"{plans.MAX_HOURS}.",
            "min_value": f"Hours a week must be at least {plans.MIN_HOURS}.",
            "max_value": f"Hours a week can be at most {plans.MAX_HOURS}.",
            "required": "Say how many hours a week you have.",
        },
    )


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Used to reset a forgotten password and, if you switch them on, "
        "to remind you to re-audit. We email it a link to confirm it first.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def validate_password_for_user(self, user: Any, **kwargs: Any) -> None:
        # "This password is too common" is about the password: say it under that field, not
        # under its confirmation (which only says whether the two match).
        super().validate_password_for_user(  # type: ignore[misc]  # django-stubs lack it
            user, password_field_name="password1"
        )

    def full_clean(self) -> None:
        """After a refused sign-up, the first field with an error is the one focused, not
        always Username."""
        super().full_clean()
        if not self.errors:
            return
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        first = next((name for name in self.fields if name in self.errors), None)
        if first is not None:
            self.fields[first].widget.attrs["autofocus"] = True


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="For password resets and the re-audit reminders you switch on. We email it a "
        "link to confirm it; nothing else is sent to it before then.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Type the email address to use.",
            "invalid": "That is not an email address: it looks like name@example.com.",
        },
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you: this deletes your account and every audit in it.",
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class CohortForm(forms.ModelForm):
    min_group = forms.IntegerField(
        label="Smallest group shown",
        min_value=LEAST_MIN_GROUP,
        max_value=1000,
        initial=DEFAULT_MIN_GROUP,
        help_text="Below this many members sharing, you see only how many joined. "
        f"At least {LEAST_MIN_GROUP}.",
        error_messages={
            "min_value": f"The smallest group shown is at least {LEAST_MIN_GROUP}, so no figure "
            "can single anyone out."
        },
    )

    class Meta:
        model = Cohort
        fields = ["name", "note", "min_group"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": "Members see it when they open the invitation.",
            "note": "Optional. Shown on the invitation, before someone joins.",
        }


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["shares", "named"]
        widgets = {"shares": forms.RadioSelect}
        labels = {"shares": "What the cohort counts"}


class InviteForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Expires after", choices=Expiry.choices, coerce=int, initial=Expiry.MONTH
    )


class CoOrganiserForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, help_text="They see everything you see on this page."
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"]
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"There is no account called “{username}”.")
        return user
