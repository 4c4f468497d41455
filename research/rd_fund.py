"""The R&D fund grant's part in the one application workflow: its basis (a project with its targets) and its amount.

Amount = the amount requested, never above the programme's share of the project's budget (`rate`, when set), its
cap per application, nor what is left of its cap per applicant per year (`calculators.research.rd_fund_grant`).
The requested amount is the applicant's ask; what the application is worth is always computed on the server.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from calculators.research import rd_fund_grant
from procurement import programme_kinds
from procurement.models import MONEY, SubsidyProgramme
from registry.bounds import MAX_AMOUNT
from registry.filtersets import MAX_ID
from registry.forms import AmountField
from registry.models import Category, Company
from registry.templatetags.platform_format import cny

from . import services
from .models import ResearchProject
from .targets import COST_PER_KG, TARGET_FIGURES, Direction, direction_categories


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"— {category.display_name}" if category.parent_id else category.display_name


class PartnerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, company):
        return f"{company.name} ({company.get_organisation_type_display()})"


class ResearchProjectForm(programme_kinds.BasisForm):
    """The project as the applicant describes it: facts, partners, and a baseline and a target per figure."""

    title = forms.CharField(label=gettext_lazy("Project title"), max_length=services.TITLE_MAX)
    summary = forms.CharField(
        label=gettext_lazy("Summary"), max_length=services.SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the project will do and how; it is public once the grant is approved."),
    )
    direction = forms.ChoiceField(label=gettext_lazy("Direction of the fund"), choices=Direction.choices)
    category = CategoryField(
        label=gettext_lazy("Material category"), queryset=Category.objects.none(), empty_label=None,
        help_text=gettext_lazy("From the directory’s taxonomy; it decides which figures the targets use."),
    )
    partners = PartnerField(
        label=gettext_lazy("Partners"), queryset=Company.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("Companies, universities and institutes of the registry taking part. Optional; "
                               "hold Ctrl (⌘ on a Mac) to choose several."),
    )
    budget = AmountField(label=gettext_lazy("Project budget (CNY)"), max_digits=MONEY["max_digits"],
                         decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AMOUNT,
                         widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
    amount_requested = AmountField(
        label=gettext_lazy("Amount requested from the fund (CNY)"), max_digits=MONEY["max_digits"], decimal_places=2,
        min_value=Decimal("0.01"), max_value=MAX_AMOUNT,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text=gettext_lazy("The grant is this amount, within the programme’s caps."),
    )
    started_on = forms.DateField(label=gettext_lazy("Project start"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("Project end"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = direction_categories()
        partners = Company.objects.published()
        if self.company is not None:
            partners = partners.exclude(pk=self.company.pk)
        self.fields["partners"].queryset = partners.order_by("name")
        for code, definition in TARGET_FIGURES.items():
            unit = definition.unit
            hint = _("Table 1: %(text)s. Leave both empty when the project does not work on it.") % {
                "text": definition.city_text}
            if code == COST_PER_KG:
                hint = _("Today’s cost, and the cost the project aims at (at most half of today’s: C_target = 0.5 × "
                         "C_current; left empty, it is half). Required for solid-electrolyte projects.")
            self.fields[f"baseline_{code}"] = forms.CharField(
                label=_("%(figure)s: baseline (%(unit)s)") % {"figure": definition.label, "unit": unit},
                required=False, max_length=50, help_text=hint,
            )
            self.fields[f"target_{code}"] = forms.CharField(
                label=_("%(figure)s: target (%(unit)s)") % {"figure": definition.label, "unit": unit},
                required=False, max_length=50,
            )

    def clean(self):
        cleaned = super().clean()
        cleaned["targets"] = {
            code: {"baseline": cleaned.pop(f"baseline_{code}", ""), "target": cleaned.pop(f"target_{code}", "")}
            for code in TARGET_FIGURES
        }
        return cleaned


class TargetSerializer(serializers.Serializer):
    figure = serializers.ChoiceField(choices=list(TARGET_FIGURES))
    baseline = serializers.CharField(max_length=50, help_text=gettext_lazy("In the figure's unit, e.g. 3e-3."))
    target = serializers.CharField(
        max_length=50, required=False, allow_blank=True,
        help_text=gettext_lazy("In the figure's unit; for cost_per_kg optional (half the baseline)."),
    )


class ProjectSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    summary = serializers.CharField(max_length=services.SUMMARY_MAX)
    direction = serializers.ChoiceField(choices=Direction.choices)
    category = serializers.SlugField(
        max_length=60, help_text=gettext_lazy("A category slug, e.g. sulfide-electrolyte.")
    )
    partners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=services.MAX_PARTNERS,
        required=False, help_text=gettext_lazy("Ids of verified organisations of the registry."),
    )
    budget = serializers.DecimalField(min_value=Decimal("0.01"), max_value=MAX_AMOUNT, **MONEY)
    amount_requested = serializers.DecimalField(min_value=Decimal("0.01"), max_value=MAX_AMOUNT, **MONEY)
    started_on = serializers.DateField()
    ends_on = serializers.DateField()
    targets = TargetSerializer(many=True, allow_empty=False, max_length=len(TARGET_FIGURES))


class ResearchProjectBasisSerializer(serializers.Serializer):
    research_project = ProjectSerializer(help_text=gettext_lazy("The R&D fund project the grant rests on."))

    def validate(self, data):
        project = dict(data["research_project"])
        targets = {}
        for item in project.pop("targets"):
            if item["figure"] in targets:
                raise serializers.ValidationError({"targets": _("Give each figure once.")})
            targets[item["figure"]] = {"baseline": item["baseline"], "target": item.get("target", "")}
        project["targets"] = targets
        return {"research_project": project}


class RdFundKind(programme_kinds.ProgrammeKind):
    """A grant of the municipal R&D fund for a project under one of its three directions."""

    kind = SubsidyProgramme.Kind.RD_FUND
    basis_label = gettext_lazy("R&D fund project")
    required_parameters = ("cap_per_application",)
    form_class = ResearchProjectForm
    serializer_class = ResearchProjectBasisSerializer
    basis_key = "research_project"

    def rule_text(self, programme):
        text = _("The amount requested for a project in solid electrolytes, next-generation electrodes or auxiliary "
                 "materials, running between %(start)s and %(end)s.") % {
            "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat()}
        if programme.rate is not None:
            text += " " + _("At most %(share)s of the project’s budget.") % {
                "share": programme_kinds.rate_text(programme.rate)}
        return f"{text} {self.caps_text(programme)}".strip()

    def _project(self, application):
        return (ResearchProject.objects.filter(application=application)
                .select_related("category", "lead").prefetch_related("targets", "partners").first())

    def set_basis(self, application, basis, *, by):
        data = basis.get(self.basis_key, basis)
        cleaned = services.project_basis_clean(
            applicant=application.applicant, programme=application.programme, basis=data
        )
        services.project_store(application=application, cleaned=cleaned)

    def has_basis(self, application):
        return ResearchProject.objects.filter(application=application).exists()

    def _as_basis(self, project) -> dict:
        return {
            "title": project.title, "summary": project.summary, "direction": project.direction,
            "category": project.category, "partners": list(project.partners.all()), "budget": project.budget,
            "amount_requested": project.amount_requested, "started_on": project.started_on,
            "ends_on": project.ends_on,
            "targets": {t.figure: {"baseline": t.baseline, "target": t.target} for t in project.targets.all()},
        }

    def check(self, application):
        project = self._project(application)
        if project is None:
            raise ValidationError({"research_project": _("Describe the project.")}, code="no_basis")
        services.project_basis_clean(
            applicant=application.applicant, programme=application.programme, basis=self._as_basis(project)
        )

    def award(self, application, *, year):
        project = self._project(application)
        if project is None:
            return programme_kinds.Award(amount=Decimal("0.00"), eligible_total=None)
        programme = application.programme
        amount = rd_fund_grant(
            project.amount_requested, budget=project.budget, max_share=programme.rate,
            cap_per_application=programme.cap_per_application, cap_per_year=programme.cap_per_applicant_year,
            already_granted=programme_kinds.already_granted(application.applicant, programme, year,
                                                            exclude=application),
        )
        return programme_kinds.Award(amount=amount, eligible_total=project.budget)

    def release(self, application):
        # A rejected project keeps its record (and stays out of the public list); nothing is claimed exclusively.
        return None

    def initial(self, application):
        project = self._project(application)
        if project is None:
            return {}
        initial = self._as_basis(project)
        for code, pair in initial.pop("targets").items():
            initial[f"baseline_{code}"] = f"{pair['baseline'].normalize():f}"
            initial[f"target_{code}"] = f"{pair['target'].normalize():f}"
        return initial

    def describe(self, application):
        project = self._project(application)
        if project is None:
            return []
        lines = [
            (_("Project"), project.title),
            (_("Direction"), project.get_direction_display()),
            (_("Material category"), project.category.display_name),
            (_("Partners"), ", ".join(p.name for p in project.partners.all()) or "—"),
            (_("Project period"), f"{project.started_on.isoformat()} – {project.ends_on.isoformat()}"),
            (_("Budget"), cny(project.budget)),
            (_("Amount requested"), cny(project.amount_requested)),
        ]
        for target in project.targets.all():
            definition = target.definition
            lines.append((definition.label, f"{definition.display(target.baseline)} → "
                                            f"{definition.display(target.target)}"))
        return lines

    def api_basis(self, application):
        project = self._project(application)
        if project is None:
            return {}
        return {self.basis_key: {
            "id": project.pk, "title": project.title, "direction": project.direction,
            "category": project.category.slug, "partners": [p.pk for p in project.partners.all()],
            "budget": str(project.budget), "amount_requested": str(project.amount_requested),
            "started_on": project.started_on.isoformat(), "ends_on": project.ends_on.isoformat(),
            "targets": [{"figure": t.figure, "baseline": f"{t.baseline.normalize():f}",
                         "target": f"{t.target.normalize():f}"} for t in project.targets.all()],
        }}
