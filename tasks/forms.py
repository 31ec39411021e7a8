import functools
from dataclasses import replace
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import ReminderPolicy, Webhook
from org.forms import DateInput, StaleEditMixin, UnitChoiceField, UnitChoices, WrittenSelect
from org.models import Unit, UnitGroup, User
from org.tables import MAX_PER_PAGE
from plans.models import Heading, Plan
from plans.responsibility import split_units

from . import activity, cascade, importing, permissions, services
from .evidence import Upload
from .models import Assignment, Kind, Metric, Notification, Task


class TaskForm(StaleEditMixin, forms.ModelForm):
    lead_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        required=False,
        label=_("lead units (牵头)"),
        widget=forms.CheckboxSelectMultiple,
    )
    support_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        required=False,
        label=_("co-operating units (配合)"),
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        UnitGroup.objects.none(),
        required=False,
        label=_("named collectively"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Task
        fields = [
            "heading",
            "position",
            "title",
            "text",
            "deadline_kind",
            "due_date",
            "recurrence",
            "is_milestone",
            "evidence_required",
        ]
        widgets = {"due_date": DateInput(), "text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["due_date"].required = False
        # The model choice fields below (the stubs' self.fields holds plain Fields).
        choices = cast(dict[str, forms.ModelChoiceField], self.fields)
        choices["heading"].queryset = Heading.objects.filter(plan=plan)
        units = Unit.objects.filter(department=plan.department_id)
        choices["lead_units"].queryset = units
        choices["support_units"].queryset = units
        choices["groups"].queryset = UnitGroup.objects.filter(department=plan.department_id)
        if self.instance.pk:
            given = services.responsibility_of(self.instance)
            self.initial["lead_units"] = [u.pk for u in given.lead]
            self.initial["support_units"] = [u.pk for u in given.support]
            self.initial["groups"] = given.groups

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Describe the task."))
        return text

    def responsibility(self) -> services.Responsibility:
        data = self.cleaned_data
        return services.Responsibility(
            lead=list(data.get("lead_units") or []),
            support=list(data.get("support_units") or []),
            groups=list(data.get("groups") or []),
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["due_date"] = services.check_task(
                    self.instance.plan,
                    heading=data.get("heading"),
                    deadline_kind=data["deadline_kind"],
                    due_date=data.get("due_date"),
                    recurrence=data.get("recurrence", ""),
                    responsibility=self.responsibility(),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern of Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data]
        return [one(data, initial)] if data else []


class ProgressForm(forms.Form):
    """What a unit reports: text, the sentence for the year-end report, percent, evidence."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("what was done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    summary = forms.CharField(
        label=_("summary for the report"),
        required=False,
        max_length=300,
        help_text=_("One or two sentences the year-end report may quote."),
    )
    percent = forms.IntegerField(
        label=_("percent done"), required=False, min_value=0, max_value=100
    )
    # A declared field: the form's metaclass takes it off the class, leaving BaseForm.files be.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("files"),
        required=False,
        help_text=_("PDF, Office documents, images or archives."),
    )

    def report(self, links, figures) -> services.Report:
        data = self.cleaned_data
        return services.Report(
            text=data["text"],
            summary=data["summary"],
            percent=data["percent"],
            files=[Upload(f.name, b"".join(f.chunks())) for f in data["files"]],
            links=[
                (f.cleaned_data["url"], f.cleaned_data["title"])
                for f in links
                if f.cleaned_data.get("url")
            ],
            figures=[
                (f.cleaned_data["metric"], f.cleaned_data["value"])
                for f in figures
                if f.cleaned_data.get("metric")
            ],
        )


class LinkForm(forms.Form):
    url = forms.URLField(
        label=_("link to what was published"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    title = forms.CharField(label=_("title"), required=False, max_length=200)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Only http:// and https:// addresses are accepted."))
        return url


class FigureForm(forms.Form):
    metric = forms.ModelChoiceField(Metric.objects.none(), label=_("figure"), required=False)
    value = forms.DecimalField(label=_("value"), required=False, max_digits=14, decimal_places=6)

    def __init__(self, *args, metrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["metric"]
        if isinstance(metrics, list):  # read once for all the formset's forms
            field.queryset = Metric.objects.filter(pk__in=[m.pk for m in metrics])
            field.choices = [("", field.empty_label), *((m.pk, str(m)) for m in metrics)]
        else:
            field.queryset = metrics if metrics is not None else Metric.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("metric") and data.get("value") is None:
            self.add_error("value", _("Give the value."))
        if data.get("value") is not None and not data.get("metric"):
            self.add_error("metric", _("Choose what the value counts."))
        return data


LinkFormSet = forms.formset_factory(LinkForm, extra=1, max_num=10)
FigureFormSet = forms.formset_factory(FigureForm, extra=2, max_num=20)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning the work."),
    )


class CloseTaskForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = ["code", "name", "unit", "aggregation", "decimal_places"]

    def clean_code(self) -> str:
        # The department is set by the view, not a field: Django's own constraint check skips
        # constraints on fields the form leaves out, so the clash is looked for here.
        code = self.cleaned_data["code"]
        taken = Metric.objects.filter(department=self.instance.department_id, code=code)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("The code “%(code)s” is already used."), params={"code": code})
        return code


class ImportStartForm(forms.Form):
    """Upload the plan as issued (.docx, .xlsx, .txt) or paste its text."""

    document = forms.FileField(
        label=_("document"),
        required=False,
        help_text=_("Word (.docx), 任务分解表 (.xlsx) or text (.txt)"),
    )
    text = forms.CharField(
        label=_("or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("document") and not (data.get("text") or "").strip():
            raise ValidationError(_("Upload a document or paste its text."))
        return data

    def source(self) -> tuple[str, bytes]:
        """(file name, bytes); the name is empty for pasted text."""
        upload = self.cleaned_data.get("document")
        if upload:
            return upload.name, b"".join(upload.chunks())
        return "", self.cleaned_data["text"].encode()


COLUMN_ROLES = [
    ("", _("— not read")),
    ("number", _("number (序号)")),
    ("category", _("category (工作类别)")),
    ("text", _("task text (具体要求)")),
    ("lead", _("lead unit (牵头单位)")),
    ("units", _("responsible units (责任单位)")),
    ("support", _("supporting units (配合单位)")),
    ("people", _("leaders, kept as a note (责任领导)")),
    ("deadline", _("deadline (完成时限)")),
    ("remarks", _("remarks, not read (备注)")),
]


class TableRolesForm(forms.Form):
    """The roles of each table's columns as the import read them, for the office to correct:
    which rows are the header, and what each column holds."""

    def __init__(self, *args, tables: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.tables = []
        for table in tables:
            t, width = table["index"], max(len(r) for r in table["rows"])
            roles = table["roles"] or [None] * width
            header = forms.TypedChoiceField(
                label=_("header rows"),
                coerce=int,
                choices=[(n, n) for n in range(min(len(table["rows"]), 4) + 1)],
                initial=table["header"],
            )
            self.fields[f"t{t}-header"] = header
            columns = []
            for c in range(width):
                name = f"t{t}-c{c}"
                self.fields[name] = forms.ChoiceField(
                    label=_("column {n}").format(n=c + 1),
                    choices=COLUMN_ROLES,
                    required=False,
                    initial=roles[c] if c < len(roles) else "",
                )
                columns.append(self[name])
            self.tables.append({**table, "header_field": self[f"t{t}-header"], "columns": columns})

    def clean(self):
        data = super().clean()
        for table in self.tables:
            t = table["index"]
            roles = [data.get(f"t{t}-c{c}") for c in range(len(table["columns"]))]
            if any(roles) and "text" not in roles:
                raise ValidationError(
                    _("Table {n}: choose the column that holds the task text.").format(n=t + 1)
                )
        return data

    def roles(self) -> dict[int, tuple[int, list[str | None]]]:
        """Only the tables whose reading the office changed: the others are read as before."""
        out = {}
        for table in self.tables:
            t = table["index"]
            header = self.cleaned_data[f"t{t}-header"]
            roles = [self.cleaned_data[f"t{t}-c{c}"] or None for c in range(len(table["columns"]))]
            as_read = (table["header"], table["roles"] or [None] * len(roles))
            if table["set_by_office"] or (header, roles) != as_read:
                out[t] = (header, roles)  # an earlier correction is kept
        return out


class TaskDraftForm(forms.Form):
    """One parsed task in the import preview, editable before confirming."""

    include = forms.BooleanField(label=_("import"), required=False, initial=True)
    text = forms.CharField(label=_("task"), widget=forms.Textarea(attrs={"rows": 3}))
    units = forms.CharField(
        label=_("responsible units"),
        required=False,
        help_text=_("Separated by 、 — the first is the lead unit."),
    )
    deadline_kind = forms.ChoiceField(label=_("deadline kind"), choices=Task.DeadlineKind.choices)
    due_date = forms.DateField(label=_("deadline"), required=False, widget=DateInput())
    recurrence = forms.ChoiceField(
        label=_("recurrence"), required=False, choices=[("", "—"), *Task.Recurrence.choices]
    )
    is_milestone = forms.BooleanField(label=_("milestone"), required=False)

    def draft(self, parsed: dict, ref: int) -> "importing.TaskDraft":
        """The task as confirmed; ``parsed`` is what the importer read for it."""
        data = self.cleaned_data
        return replace(
            importing.TaskDraft.from_parsed(parsed, ref),
            text=data["text"].strip(),
            units=split_units(data["units"]),
            deadline_kind=data["deadline_kind"],
            due_date=data["due_date"],
            recurrence=data["recurrence"],
            is_milestone=data["is_milestone"],
        )


TaskDraftFormSet = forms.formset_factory(TaskDraftForm, extra=0)


class UnitPickForm(forms.Form):
    """The units each phrase stands for (``importing.Phrase``), answered once for every task
    that uses it: units ticked, or for an unknown name a new unit, or for 「各承办科室」 the
    choice left for later, task by task."""

    LATER = "later"

    def __init__(self, *args, phrases: list[importing.Phrase], department, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(Unit.objects.filter(department=department))
        self.units = {str(u.pk): u for u in units}
        self.phrases = phrases
        by_kind = [
            (label, [(str(u.pk), str(u)) for u in units if u.kind == kind])
            for kind, label in Unit.Kind.choices
        ]
        unit_choices = [(label, group) for label, group in by_kind if group]
        extras = {
            importing.Phrase.UNKNOWN: [
                (importing.NEW_SECTION, _("create it as a new section")),
                (importing.NEW_SCHOOL, _("create it as a new school")),
            ],
            importing.Phrase.CHOSEN: [(self.LATER, _("choose later, task by task"))],
            importing.Phrase.NONE: [],
        }
        for i, phrase in enumerate(phrases):
            others = extras[phrase.kind]
            initial = [str(u.pk) for u in phrase.suggested]
            if phrase.kind == importing.Phrase.CHOSEN:
                initial = [self.LATER]  # as before the picker: the task waits for the office
            self.fields[f"name-{i}"] = forms.MultipleChoiceField(
                label=phrase.name or _("tasks that name no unit"),
                choices=[*unit_choices, *([(_("or"), others)] if others else [])],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=initial,
            )

    def _chosen(self, i: int) -> tuple[list[Unit], list[str]]:
        chosen = self.cleaned_data.get(f"name-{i}") or []
        return [self.units[c] for c in chosen if c in self.units], [
            c for c in chosen if c not in self.units
        ]

    def clean(self):
        data = super().clean()
        for i, phrase in enumerate(self.phrases):
            if f"name-{i}" not in data:
                continue
            units, others = self._chosen(i)
            name = phrase.name
            if phrase.kind == importing.Phrase.UNKNOWN and not (units or others):
                self.add_error(
                    f"name-{i}",
                    _("Tick the units “{name}” stands for, or create it as a new unit.").format(
                        name=name
                    ),
                )
            elif phrase.kind == importing.Phrase.UNKNOWN and others and (units or others[1:]):
                self.add_error(
                    f"name-{i}",
                    _("“{name}”: tick units or create one new unit, not both.").format(name=name),
                )
            elif phrase.kind == importing.Phrase.CHOSEN and not (units or others):
                self.add_error(
                    f"name-{i}",
                    _("“{name}”: tick the units that handle its tasks, or choose later.").format(
                        name=name
                    ),
                )
        return data

    def mapping(self) -> importing.UnitMapping:
        """Phrase → one Unit (an unknown name, remembered for the next import), the units
        picked for this plan, or a NEW_* choice. Units ticked win over “choose later”."""
        out: dict[str, Unit | str | list[Unit]] = {}
        for i, phrase in enumerate(self.phrases):
            units, others = self._chosen(i)
            if phrase.kind == importing.Phrase.UNKNOWN and len(units) == 1:
                out[phrase.name] = units[0]
            elif units:
                out[phrase.name] = units
            elif others and others[0] != self.LATER:
                out[phrase.name] = others[0]
        return out


class UndatedForm(forms.Form):
    """One answer for every task whose text gives no deadline."""

    how = forms.ChoiceField(
        label=_("for all of them"),
        choices=[
            (importing.Undated.KEEP, _("keep the deadlines as shown")),
            (importing.Undated.YEAR_END, _("the plan's year end")),
            (importing.Undated.DATE, _("the date below")),
            (importing.Undated.ONGOING, _("ongoing work, no deadline")),
        ],
        initial=importing.Undated.KEEP,
        widget=forms.RadioSelect,
        # Offered only when some task lacks a deadline: a page without the control posts none.
        required=False,
    )
    date = forms.DateField(label=_("date"), required=False, widget=DateInput())

    def clean_how(self) -> str:
        return self.cleaned_data["how"] or importing.Undated.KEEP

    def clean(self):
        data = super().clean()
        dated = data.get("how") == importing.Undated.DATE
        if dated and not data.get("date") and not self.has_error("date"):
            self.add_error("date", _("Give the date for the tasks without a deadline."))
        return data


class ImportConfirmForm(forms.Form):
    new_version = forms.BooleanField(label=_("import as a new version"), required=False)


class RemindForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=300)


class ReminderPolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = ["days_before", "on_the_day", "overdue_every", "escalate_after"]

    def clean_days_before(self) -> str:
        days = [d.strip() for d in self.cleaned_data["days_before"].split(",") if d.strip()]
        if any(not d.isdigit() or not 1 <= int(d) <= 60 for d in days):
            raise ValidationError(_("Give working days from 1 to 60, separated by commas."))
        return ",".join(sorted(set(days), key=int, reverse=True))


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("the day is"),
        coerce=lambda v: v == "1",
        choices=[("0", _("a holiday")), ("1", _("a working day (调休)"))],
    )
    name = forms.CharField(label=_("name"), required=False, max_length=50)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day.year != self.year:
            raise ValidationError(_("The date must be in {year}.").format(year=self.year))
        return day


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Type @ and a name to address someone; they are told."),
    )


class NotificationSettingsForm(forms.ModelForm):
    """How a person hears of each kind of event, and the language of their e-mails."""

    class Meta:
        model = User
        fields = ["email_reminders", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = activity.choices_of(self.instance)
        for kind in activity.DEFAULTS:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Notification.Delivery.choices,
                initial=chosen[kind],
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"kind_{kind}"] for kind in activity.DEFAULTS}


class IdsField(forms.Field):
    """The rows ticked on a list page: ids, each once, at most a page of them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            ids = list(dict.fromkeys(int(v) for v in value or []))
        except ValueError:
            raise ValidationError(_("The selection is not valid.")) from None
        if len(ids) > MAX_PER_PAGE:
            raise ValidationError(
                _("Select at most {count} rows.").format(count=MAX_PER_PAGE), code="max"
            )
        return ids


class VersionsField(forms.Field):
    """``assignment:version`` of every assignment the list showed, so that a sign-off of work
    changed since is refused as the assignment's own page refuses it."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> dict[int, int]:
        versions: dict[int, int] = {}
        try:
            for posted in value or []:
                pk, version = posted.split(":", 1)
                versions[int(pk)] = int(version)
        except (AttributeError, ValueError):
            raise ValidationError(_("The selection is not valid.")) from None
        return versions


class BulkActionForm(forms.Form):
    """The actions bar of the office's lists: one action on every ticked row."""

    class Action(models.TextChoices):
        URGE = "urge", _("Remind (催办)")
        SIGN_OFF = "sign_off", _("Accept (销号)")
        DEADLINE = "deadline", _("Change deadline")
        REASSIGN = "reassign", _("Assign unit")

    action = forms.ChoiceField(choices=Action.choices)
    task = IdsField(required=False)
    assignment = IdsField(required=False)
    seen = VersionsField(required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=300)
    due_date = forms.DateField(label=_("new deadline"), required=False, widget=DateInput())
    # Written as rows: the department's 210 units through the widget templates cost the office's
    # list more than its table.
    unit = UnitChoiceField(Unit.objects.none(), label=_("unit"), required=False)
    role = forms.ChoiceField(
        widget=WrittenSelect,
        label=_("as"),
        choices=[
            (Assignment.Role.LEAD, _("lead unit, replacing the present one")),
            (Assignment.Role.SUPPORT, _("an added co-operating unit")),
        ],
        required=False,
    )
    # Back to the list the rows were ticked on, as it was filtered: a list's name and its query
    # string, never an address taken from the request.
    origin = forms.ChoiceField(
        choices=[("task_list", "task_list"), ("review_queue", "review_queue")],
        required=False,
        widget=forms.HiddenInput,
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    # What each action needs besides the rows.
    NEEDS = {Action.DEADLINE: ["due_date"], Action.REASSIGN: ["unit", "role"]}

    def __init__(self, *args, units: UnitChoices, **kwargs):
        super().__init__(*args, **kwargs)
        unit = cast(UnitChoiceField, self.fields["unit"])
        unit.offer(units)
        unit.empty_label = _("choose a unit")

    def back(self) -> str:
        """The list to go back to: its address and the query it was shown with."""
        data = getattr(self, "cleaned_data", {})
        query = QueryDict(data.get("query") or "").urlencode()
        path = reverse(f"tasks:{data.get('origin') or 'task_list'}")
        return f"{path}?{query}" if query else path

    def clean(self):
        data = super().clean()
        # Tasks for every action; the review queue's assignments for accepting them only.
        rows = data.get("task") or (
            data.get("assignment") if data.get("action") == self.Action.SIGN_OFF else None
        )
        if not rows:
            raise ValidationError(_("Tick the rows to act on first."))
        for name in self.NEEDS.get(data.get("action"), []):
            if not data.get(name):
                self.add_error(name, _("Needed for this action."))
        return data


class WebhookForm(forms.Form):
    """A new webhook; its address and events are checked by the model (core.hosts)."""

    name = forms.CharField(label=_("name"), max_length=100)
    url = forms.URLField(
        label=_("address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Each event is POSTed there as JSON, signed with the webhook's secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=Webhook.Event.choices, widget=forms.CheckboxSelectMultiple
    )


# --- Cascade: placing a superior's task in the department's own plan -----------------------------


def _placing_units(user: User) -> models.QuerySet[Unit]:
    """The units that may lead a superior's task placed in the office's plan."""
    return Unit.objects.filter(department=user.department_id).exclude(kind=Unit.Kind.DEPARTMENT)


class PlacingOptions:
    """What every placing form of the inbox offers: the office's open plans (each at its top
    level, or under one of its headings), its units and its tasks not yet linked; read once for
    the page, not once a form (each form validates against the same lists)."""

    def __init__(self, user: User):
        self.plans = list(cascade.placeable_plans(user))
        self.headings = list(
            Heading.objects.filter(plan__in=[p.pk for p in self.plans]).select_related("plan")
        )
        self.units = _placing_units(user)
        self.tasks = cascade.linkable_tasks(self.plans).select_related("plan")

    @functools.cached_property
    def places(self) -> dict[str, Plan | Heading]:
        """Where a new task may go, by the value its choice posts: under a heading, or, in a
        plan with no heading yet (a new one), at its top level, as a task the importer found
        before any heading; a plan with headings keeps every task under one."""
        places: dict[str, Plan | Heading] = {}
        for plan in self.plans:
            headings = [h for h in self.headings if h.plan_id == plan.pk]
            places.update((f"heading-{h.pk}", h) for h in headings)
            if not headings:
                places[f"plan-{plan.pk}"] = plan
        return places

    @functools.cached_property
    def place_choices(self) -> list[tuple[str, str]]:
        # Named with its plan: the office may have several.
        top = _("top level, under no heading")
        return [("", "---------")] + [
            (key, f"{where.plan} · {where}" if isinstance(where, Heading) else f"{where} · {top}")
            for key, where in self.places.items()
        ]

    @functools.cached_property
    def unit_choices(self) -> list[tuple[int, str]]:
        return [(u.pk, str(u)) for u in self.units]

    @functools.cached_property
    def task_choices(self) -> list[tuple[int | str, str]]:
        return [("", "---------"), *((t.pk, f"{t.plan} · {t}") for t in self.tasks)]


class _Placing(forms.Form):
    def _offer(self, name: str, queryset: models.QuerySet, choices: list) -> None:
        field = cast(forms.ModelChoiceField, self.fields[name])
        field.queryset = queryset  # what a posted choice is checked against
        field.choices = choices  # what is shown, read once for every form of the page

    def attach_errors(self, error: ValidationError) -> None:
        """The service's errors beside the fields they name; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields else None, messages)


class PlaceForm(_Placing):
    """Import a superior's task as a new task of one of the office's plans."""

    where = forms.ChoiceField(label=_("in the plan"))
    text = forms.CharField(
        label=_("task"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_date = forms.DateField(
        label=_("deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the superior's deadline."),
    )
    lead_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        label=_("lead units (牵头)"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name at least one responsible unit.")},
    )

    def __init__(self, *args, options: PlacingOptions, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = options.places
        cast(forms.ChoiceField, self.fields["where"]).choices = options.place_choices
        self._offer("lead_units", options.units, options.unit_choices)
        self.initial.setdefault("text", assignment.task.text)
        if len(self.places) == 1:  # one plan and no heading yet: nothing to choose
            self.initial.setdefault("where", next(iter(self.places)))

    def clean_where(self) -> Plan | Heading:
        return self.places[self.cleaned_data["where"]]  # a ChoiceField posts only its choices

    def save(self, assignment: Assignment, *, by: User) -> Task:
        data = self.cleaned_data
        placement = cascade.Placement(
            where=data["where"],
            text=data["text"],
            due_date=data["due_date"],
            lead=list(data["lead_units"]),
        )
        return cascade.place_as_new(assignment, placement, by=by)


class LinkTaskForm(_Placing):
    """Link a superior's task to a task the office's plan already has."""

    task = forms.ModelChoiceField(Task.objects.none(), label=_("your task"))

    def __init__(self, *args, options: PlacingOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer("task", options.tasks, options.task_choices)

    def save(self, assignment: Assignment, *, by: User) -> Task:
        return cascade.link_existing(assignment, self.cleaned_data["task"], by=by)


class AbovePlacing:
    """What every form of the import preview's 上级下发任务 offers, read once for the page: the
    superior's tasks waiting in the office's inbox, the preview's headings (the plan's are not
    saved yet: each is named by its place in ``importing.preview_headings``) and the units."""

    def __init__(self, user: User | None, headings: list[tuple[str, ...]]):
        self.user = user
        # Indented by depth, as the preview's rows show the tree.
        self.where_choices = [
            (AboveTaskForm.LEAVE, _("leave it in Tasks from above")),
            (AboveTaskForm.TOP, _("the plan's top level, under no heading")),
            *((f"heading-{i}", "\u3000" * (len(path) - 1) + path[-1])
              for i, path in enumerate(headings)),
        ]  # fmt: skip

    @functools.cached_property
    def waiting(self) -> dict[int, Assignment]:
        """The superior's tasks the page offers (an import from the command line: none)."""
        return {a.pk: a for a in cascade.inbox(self.user)} if self.user else {}

    @functools.cached_property
    def cascaded(self) -> models.QuerySet[Assignment]:
        """What a posted choice is checked against: any superior's task sent to the office's
        department (one placed meanwhile is then refused by the placing, saying so)."""
        if self.user is None:
            return Assignment.objects.none()
        return permissions.cascaded_to(self.user).select_related("task__plan__department")

    @functools.cached_property
    def units(self) -> models.QuerySet[Unit]:
        return _placing_units(self.user) if self.user else Unit.objects.none()

    @functools.cached_property
    def unit_choices(self) -> list[tuple[int, str]]:
        return [(u.pk, str(u)) for u in self.units]


class AboveTaskForm(_Placing):
    """A superior's task waiting in the inbox, as the import preview offers it: left there, or
    placed in the plan being imported as a new task (``importing.PreviewPlacement``)."""

    LEAVE, TOP = "", "top"

    assignment = forms.IntegerField(widget=forms.HiddenInput)
    where = forms.ChoiceField(
        label=_("place it"),
        required=False,
        error_messages={"invalid_choice": importing.NO_SUCH_HEADING},
    )
    lead_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        label=_("lead units (牵头)"),
        required=False,  # when placed, the task's own checks ask for one (services.check_task)
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, options: AbovePlacing, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        cast(forms.ChoiceField, self.fields["where"]).choices = options.where_choices
        self._offer("lead_units", options.units, options.unit_choices)
        # The superior's assignment as the page shows it: posted back, it is read afresh.
        self.shown: Assignment | None = (
            None if self.is_bound else options.waiting.get(self.initial.get("assignment", 0))
        )

    def clean_assignment(self) -> Assignment:
        self.shown = self.options.cascaded.filter(pk=self.cleaned_data["assignment"]).first()
        if self.shown is None:
            raise ValidationError(importing.NOT_SENT)
        return self.shown

    def placement(self, ref: int) -> importing.PreviewPlacement | None:
        """Where the office placed it (its place in the preview's list: ``ref``); None: left."""
        data = self.cleaned_data
        if data["where"] == self.LEAVE:
            return None
        return importing.PreviewPlacement(
            data["assignment"],
            heading=None if data["where"] == self.TOP else int(data["where"].split("-")[1]),
            lead=list(data["lead_units"]),
            ref=ref,
        )


AboveTaskFormSet = forms.formset_factory(AboveTaskForm, extra=0)
