"""Collaboration pages: proposing, confirming, milestones, the agreement's deliveries, and the city overview.

A collaboration's details are for its two parties (and officials, who only read): anyone else gets a 404 for
its pages, never a hint that it exists. Every write goes through alliance.collaborations; what a service refuses
comes back beside the field it names (status 400), or as a page saying why (403) for a move the user may not make.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from registry import selectors as registry_selectors
from registry.bounds import validate_amount_bound, validate_quantity_bound
from registry.filtersets import clean_query
from registry.forms import AmountField, apply_service_errors
from registry.identifiers import normalise_uscc
from registry.models import Category, Company
from registry.permissions import is_company_member, is_official
from registry.views.my import CompanyRequiredMixin

from .. import selectors
from ..collaborations import (
    collaboration_complete,
    collaboration_confirm,
    collaboration_propose,
    collaboration_terminate,
    milestone_add,
    milestone_complete,
)
from ..filtersets import CollaborationFilterSet
from ..models import Collaboration, Milestone, Standard
from ..permissions import (
    SME_SIZE_CLASSES,
    can_add_milestone,
    can_collaborate,
    can_complete_collaboration,
    can_complete_milestone,
    can_confirm_collaboration,
    can_propose_collaboration,
    can_terminate_collaboration,
    can_view_collaboration,
)

PAGE_SIZE = 25
FILTER_FORM_ID = "collaboration-filters"
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
INVALID = 400

# --- forms -------------------------------------------------------------------------------------------------


def _date_field(label, *, required=True, help_text=None, required_message=None):
    field = forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS,
        help_text=help_text or gettext_lazy("For example 2026-03-01."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, for example 2026-03-01.")},
    )
    if required_message:
        field.error_messages["required"] = required_message
    return field


def counterparts(company: Company):
    """The verified companies the company may propose a collaboration to: SMEs for an anchor, anchors for an SME."""
    published = Company.objects.published().exclude(pk=company.pk).order_by("name")
    if company.is_anchor:
        return published.filter(is_anchor=False, size_class__in=SME_SIZE_CLASSES)
    return published.filter(is_anchor=True)


class ProposeForm(forms.Form):
    """A proposal as its user types it; the rules (who may take part, each model's fields) are the service's."""

    other_party_uscc = forms.CharField(
        label=gettext_lazy("The other party’s USCC"), required=False, max_length=40,
        help_text=gettext_lazy("The 18-character unified social credit code. Or choose the company below."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    other_party = forms.ModelChoiceField(
        label=gettext_lazy("Or choose the other party"), required=False, queryset=Company.objects.none(),
        empty_label=gettext_lazy("Choose a verified company"),
    )
    model = forms.ChoiceField(
        label=gettext_lazy("Collaboration model"), choices=Collaboration.Model.choices, widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the collaboration model.")},
    )
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200,
        error_messages={"required": gettext_lazy("Give the collaboration a title.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Description (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    started_on = _date_field(gettext_lazy("Starts on"), required_message=gettext_lazy("Enter the start date."))
    ends_on = _date_field(
        gettext_lazy("Ends on"), required=False,
        help_text=gettext_lazy("Required for a supply agreement (the end of its period). For example 2028-02-29."),
    )
    licensed_patents = forms.CharField(
        label=gettext_lazy("Licensed patent numbers"), required=False, max_length=5000,
        help_text=gettext_lazy("One patent number a line, e.g. CN114123456B."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    joint_outputs = forms.CharField(
        label=gettext_lazy("Jointly developed materials or products"), required=False, max_length=5000,
        help_text=gettext_lazy("One a line."), widget=forms.Textarea(attrs={"rows": 3}),
    )
    committed_value_per_year = AmountField(
        label=gettext_lazy("Committed value per agreement year"), required=False, max_digits=16, decimal_places=2,
        min_value=0, validators=[validate_amount_bound],
        help_text=gettext_lazy("In yuan, for each year of the agreement, e.g. 2,000,000.00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    committed_quantity = AmountField(
        label=gettext_lazy("Committed quantity per year (optional)"), required=False, max_digits=16,
        decimal_places=3, min_value=0, validators=[validate_quantity_bound],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    quantity_unit = forms.CharField(
        label=gettext_lazy("Unit of the quantity"), required=False, max_length=20,
        help_text=gettext_lazy("For example t, kg, MWh, pieces."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Categories supplied (optional)"), required=False, queryset=Category.objects.all(),
        to_field_name="slug", widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("When given, only purchases in these categories (or below them) count as deliveries."),
    )
    standard = forms.ModelChoiceField(
        label=gettext_lazy("The standard created together"), required=False, queryset=Standard.objects.all(),
        empty_label=gettext_lazy("Choose a standard"),
    )

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["other_party"].queryset = counterparts(company)
        self.fields["categories"].choices = [
            (category.slug, ("— " * depth) + category.display_name)
            for category, depth in registry_selectors.category_tree()
        ]

    def clean(self):
        data = super().clean()
        uscc = normalise_uscc(data.get("other_party_uscc") or "")
        chosen = data.get("other_party")
        if "other_party_uscc" in self.errors or "other_party" in self.errors:
            return data
        if uscc:
            # Looked up among every registered company, so the service can say why one cannot take part.
            found = Company.objects.filter(uscc=uscc).first()
            if found is None:
                self.add_error("other_party_uscc", _("No registered company has this USCC."))
            elif chosen is not None and chosen.pk != found.pk:
                self.add_error("other_party_uscc", _("The USCC and the chosen company differ: give one of them."))
            else:
                data["party"] = found
        elif chosen is not None:
            data["party"] = chosen
        else:
            self.add_error("other_party", _("Give the other party’s USCC or choose the company."))
        return data

    def proposal(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in (
            "title", "description", "started_on", "ends_on", "licensed_patents", "joint_outputs",
            "committed_quantity", "quantity_unit", "committed_value_per_year", "standard",
        ) if name in data}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The other party reads it."),
        error_messages={"required": gettext_lazy("Give the reason: the other party reads it.")},
    )


class CompleteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Closing note (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=gettext_lazy("What the collaboration achieved."),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Milestone"), max_length=200,
        error_messages={"required": gettext_lazy("Say what the milestone is.")},
    )
    due_on = _date_field(gettext_lazy("Due on"), required_message=gettext_lazy("Enter the due date."))


class MilestoneDoneForm(forms.Form):
    done_on = _date_field(gettext_lazy("Done on"), required_message=gettext_lazy("Enter the day it was done."))
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What came of it."),
    )


# --- helpers -----------------------------------------------------------------------------------------------


def _refused(request, collaboration, reason):
    return render(
        request, "alliance/collaboration_refused.html", {"collaboration": collaboration, "reason": reason}, status=403
    )


class CollaborationMixin(LoginRequiredMixin):
    """Pages of one collaboration: its two parties and officials; for anyone else it does not exist (404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.collaboration = get_object_or_404(
            Collaboration.objects.select_related("anchor", "sme", "standard", "proposed_by_company"), pk=kwargs["pk"]
        )
        if not can_view_collaboration(request.user, self.collaboration):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CollaborationActionView(CollaborationMixin, TemplateView):
    """A form that moves a collaboration: checked by a predicate, done by a service."""

    template_name = "alliance/collaboration_action.html"
    form_class = None
    predicate = None
    heading = ""
    button = ""
    success = ""

    def allowed(self):
        return type(self).predicate(self.request.user, self.collaboration)

    def context(self, form, **extra):
        return {"collaboration": self.collaboration, "form": form, "heading": self.heading, "button": self.button,
                "action": self.request.path, **extra}

    def get(self, request, *args, **kwargs):
        allowed, reason = self.allowed()
        if not allowed:
            return _refused(request, self.collaboration, reason)
        return self.render_to_response(self.context(self.form_class()))

    def post(self, request, *args, **kwargs):
        allowed, reason = self.allowed()
        if not allowed:
            return _refused(request, self.collaboration, reason)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(form)
            except PermissionDenied as error:
                return _refused(request, self.collaboration, str(error))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, self.success % {"title": self.collaboration.title})
                return redirect(self.collaboration_url())
        return self.render_to_response(self.context(form), status=INVALID)

    def collaboration_url(self):
        return reverse("alliance:collaboration_detail", args=[self.collaboration.pk])


class ConfirmForm(forms.Form):
    """Nothing to type: the button is the confirmation."""


# --- pages -------------------------------------------------------------------------------------------------


def _prepare_filter_form(form, fields=("model", "status", "year")):
    any_label = gettext_lazy("Any")
    form.fields["model"].widget.choices = [("", any_label)] + list(Collaboration.Model.choices)
    form.fields["status"].widget.choices = [("", any_label)] + list(Collaboration.Status.choices)
    form.fields["year"].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
    return [form[name] for name in fields]


def _chips(request, filterset, url_name):
    return [
        {"label": label, "value": value,
         "url": _url(url_name, clean_query(request.GET, CollaborationFilterSet, without={name}))}
        for name, label, value in filterset.active_filters()
    ]


def _url(url_name, query):
    return reverse(url_name) + (f"?{query.urlencode()}" if query else "")


class CollaborationListView(CompanyRequiredMixin, TemplateView):
    """The company's collaborations, of every status: search, filters, chips, pages."""

    template_name = "alliance/collaboration_list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=200 if context["filters_valid"] else INVALID)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, CollaborationFilterSet)
        filterset = CollaborationFilterSet(query, queryset=selectors.company_collaborations(self.company))
        panel_fields = _prepare_filter_form(filterset.form)
        valid = filterset.is_valid()
        collaborations = filterset.qs if valid else Collaboration.objects.none()
        page = Paginator(collaborations, PAGE_SIZE).get_page(self.request.GET.get("page"))
        allowed, reason = can_propose_collaboration(self.request.user)
        context.update(
            company=self.company, form=filterset.form, form_id=FILTER_FORM_ID, filters_valid=valid,
            panel_fields=panel_fields, page_obj=page, collaborations=page.object_list,
            page_range=list(page.paginator.get_elided_page_range(page.number)), ellipsis=page.paginator.ELLIPSIS,
            result_count=page.paginator.count, query=query,
            chips=_chips(self.request, filterset, "alliance:collaboration_list"),
            can_propose=allowed, propose_refusal=reason,
            awaiting=selectors.awaiting_confirmation(self.company),
        )
        return context


class CollaborationCreateView(CompanyRequiredMixin, TemplateView):
    """Propose a collaboration: the other party, the model and that model's fields."""

    template_name = "alliance/collaboration_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.company_id:
            allowed, reason = can_propose_collaboration(request.user)
            if not allowed:
                return render(request, "alliance/collaboration_refused.html", {"reason": reason}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": ProposeForm(company=self.company), "company": self.company})

    def post(self, request, *args, **kwargs):
        form = ProposeForm(request.POST, company=self.company)
        if form.is_valid():
            try:
                collaboration = collaboration_propose(
                    by=request.user, other_party=form.cleaned_data.get("party"), model=form.cleaned_data["model"],
                    data=form.proposal(), categories=form.cleaned_data.get("categories") or (),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _(
                    "The collaboration “%(title)s” is proposed. It becomes active when %(other)s confirms it."
                ) % {"title": collaboration.title, "other": form.cleaned_data["party"].name})
                return redirect("alliance:collaboration_detail", pk=collaboration.pk)
        return self.render_to_response({"form": form, "company": self.company}, status=INVALID)


class CollaborationDetailView(CollaborationMixin, TemplateView):
    """Everything of one collaboration: facts, milestones, deliveries of a supply agreement, status history."""

    template_name = "alliance/collaboration_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration, user = self.collaboration, self.request.user
        milestones = list(collaboration.milestones.all())
        for milestone in milestones:
            milestone.can_complete = can_complete_milestone(user, milestone)[0]
        is_supply = collaboration.model == Collaboration.Model.SUPPLY
        deliveries = selectors.agreement_deliveries(collaboration) if is_supply else []
        context.update(
            collaboration=collaboration,
            categories=list(collaboration.categories.all()) if is_supply else [],
            milestones=milestones,
            changes=selectors.status_changes(collaboration),
            is_supply=is_supply,
            deliveries=deliveries,
            has_partial_year=any(row["is_partial"] for row in deliveries),
            delivery_purchases=selectors.agreement_purchases(collaboration).select_related("category")[:200]
            if is_supply else [],
            local_content=selectors.agreement_local_content(collaboration) if is_supply else None,
            can_confirm=can_confirm_collaboration(user, collaboration)[0],
            can_terminate=can_terminate_collaboration(user, collaboration)[0],
            can_complete=can_complete_collaboration(user, collaboration)[0],
            can_add_milestone=can_add_milestone(user, collaboration)[0],
            waits_for=collaboration.sme if collaboration.proposed_by_company_id == collaboration.anchor_id
            else collaboration.anchor,
            own_company_id=user.company_id,
        )
        return context


class CollaborationConfirmView(CollaborationActionView):
    form_class = ConfirmForm
    predicate = staticmethod(can_confirm_collaboration)
    heading = gettext_lazy("Confirm the collaboration")
    button = gettext_lazy("Confirm the collaboration")
    success = gettext_lazy("The collaboration “%(title)s” is confirmed and now active.")

    def act(self, form):
        collaboration_confirm(by=self.request.user, collaboration=self.collaboration)


class CollaborationTerminateView(CollaborationActionView):
    form_class = ReasonForm
    predicate = staticmethod(can_terminate_collaboration)
    button = gettext_lazy("Terminate the collaboration")
    success = gettext_lazy("The collaboration “%(title)s” is terminated.")

    @property
    def heading(self):
        if self.collaboration.status == Collaboration.Status.PROPOSED:
            return _("Decline or withdraw the proposal")
        return _("Terminate the collaboration")

    def act(self, form):
        collaboration_terminate(
            by=self.request.user, collaboration=self.collaboration, reason=form.cleaned_data["reason"]
        )


class CollaborationCompleteView(CollaborationActionView):
    form_class = CompleteForm
    predicate = staticmethod(can_complete_collaboration)
    heading = gettext_lazy("Record the collaboration as completed")
    button = gettext_lazy("Record as completed")
    success = gettext_lazy("The collaboration “%(title)s” is recorded as completed.")

    def act(self, form):
        collaboration_complete(by=self.request.user, collaboration=self.collaboration, note=form.cleaned_data["reason"])


class MilestoneCreateView(CollaborationActionView):
    form_class = MilestoneForm
    predicate = staticmethod(can_add_milestone)
    heading = gettext_lazy("Add a milestone")
    button = gettext_lazy("Add the milestone")
    success = gettext_lazy("The milestone is added to “%(title)s”.")

    def act(self, form):
        milestone_add(by=self.request.user, collaboration=self.collaboration, **form.cleaned_data)


class MilestoneCompleteView(CollaborationActionView):
    form_class = MilestoneDoneForm
    heading = gettext_lazy("Record a milestone as done")
    button = gettext_lazy("Record as done")
    success = gettext_lazy("The milestone of “%(title)s” is recorded as done.")

    def get_milestone(self):
        # Through the collaboration: a milestone of another collaboration is a 404.
        if not hasattr(self, "milestone"):
            self.milestone = get_object_or_404(
                Milestone.objects.select_related("collaboration"), pk=self.kwargs["milestone_pk"],
                collaboration=self.collaboration,
            )
        return self.milestone

    def allowed(self):
        return can_complete_milestone(self.request.user, self.get_milestone())

    def context(self, form, **extra):
        return super().context(form, milestone=self.get_milestone(), **extra)

    def get(self, request, *args, **kwargs):
        self.get_milestone()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_milestone()
        return super().post(request, *args, **kwargs)

    def act(self, form):
        milestone_complete(by=self.request.user, milestone=self.get_milestone(), **form.cleaned_data)


# --- the city's overview -----------------------------------------------------------------------------------

BAR_WIDTH = 640
BAR_LABEL = 260
BAR_ROW = 32


def count_bars(rows: list[dict]) -> dict:
    """Horizontal bars of each row's count (rows with "label" and "count"), scaled to the largest."""
    largest = max([row["count"] for row in rows] + [1])
    plot = BAR_WIDTH - BAR_LABEL - 48
    bars = [
        {"label": row["label"], "count": row["count"], "y": index * BAR_ROW + 6, "text_y": index * BAR_ROW + 22,
         "width": round(plot * row["count"] / largest, 1),
         "value_x": BAR_LABEL + round(plot * row["count"] / largest, 1) + 6}
        for index, row in enumerate(rows)
    ]
    return {"width": BAR_WIDTH, "height": max(len(rows), 1) * BAR_ROW + 8, "label_x": BAR_LABEL - 8,
            "bar_x": BAR_LABEL, "bars": bars}


def _summary(rows: list[dict]) -> str:
    counted = [row for row in rows if row["count"]]
    if not counted:
        return _("No collaborations to count for this selection.")
    top = max(counted, key=lambda row: row["count"])
    return _("Most: %(label)s with %(count)d.") % {"label": top["label"], "count": top["count"]}


class CollaborationOverviewView(TemplateView):
    """The city's collaborations, counted by model, year and category; counts only, active and completed ones."""

    template_name = "alliance/collaboration_overview.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=200 if context["filters_valid"] else INVALID)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, CollaborationFilterSet)
        filterset = CollaborationFilterSet(query, queryset=selectors.public_collaborations())
        panel_fields = _prepare_filter_form(filterset.form, fields=("model", "year"))
        valid = filterset.is_valid()
        queryset = filterset.qs if valid else Collaboration.objects.none()
        sections = []
        for key, title, caption, rows in (
            ("model", _("By model"), _("Collaborations by model"), selectors.counts_by_model(queryset)),
            ("year", _("By year of the start"), _("Collaborations by the year they started"),
             selectors.counts_by_year(queryset)),
            ("category", _("By the SME’s category"),
             _("Collaborations by top-level category of the SME (an SME listed in two categories counts in both)"),
             selectors.counts_by_category(queryset)),
        ):
            sections.append({"key": key, "title": title, "caption": caption, "rows": rows,
                             "chart": count_bars(rows), "summary": _summary(rows)})
        context.update(
            form=filterset.form, form_id=FILTER_FORM_ID, filters_valid=valid, panel_fields=panel_fields,
            query=query, chips=_chips(self.request, filterset, "alliance:collaboration_overview"),
            total=queryset.count(), sections=sections,
        )
        return context


# --- sections of the registry's pages ----------------------------------------------------------------------


def company_section(request, company) -> str:
    """The company's collaborations on its public page (the fact and the model; everything for its own users)."""
    user = request.user
    own = is_company_member(user, company)
    queryset = selectors.company_collaborations(company)
    if not (own or is_official(user)):
        # The public (and any other company) learns the fact, the parties, the model, status and year only.
        queryset = selectors.public_collaborations(queryset)
    collaborations = list(queryset.order_by("-started_on", "-pk"))
    if not collaborations:
        return ""
    for collaboration in collaborations:
        collaboration.linked = can_view_collaboration(user, collaboration)
    return render_to_string(
        "alliance/_collaborations_company_section.html",
        {"company": company, "collaborations": collaborations, "own": own}, request=request,
    )


def my_section(request, company) -> str:
    """The company's collaborations on /my/, with what waits for its confirmation."""
    collaborations = list(selectors.company_collaborations(company).order_by("-started_on", "-pk")[:10])
    if not collaborations and not can_collaborate(company):
        return ""
    return render_to_string(
        "alliance/_collaborations_my_section.html",
        {
            "company": company,
            "collaborations": collaborations,
            "awaiting": list(selectors.awaiting_confirmation(company)),
            "can_propose": can_propose_collaboration(request.user)[0],
            "today": timezone.localdate(),
        },
        request=request,
    )


urlpatterns = [
    path("my/collaborations/", CollaborationListView.as_view(), name="collaboration_list"),
    path("my/collaborations/new/", CollaborationCreateView.as_view(), name="collaboration_create"),
    path("collaborations/<int:pk>/", CollaborationDetailView.as_view(), name="collaboration_detail"),
    path("collaborations/<int:pk>/confirm/", CollaborationConfirmView.as_view(), name="collaboration_confirm"),
    path("collaborations/<int:pk>/terminate/", CollaborationTerminateView.as_view(), name="collaboration_terminate"),
    path("collaborations/<int:pk>/complete/", CollaborationCompleteView.as_view(), name="collaboration_complete"),
    path("collaborations/<int:pk>/milestones/new/", MilestoneCreateView.as_view(), name="milestone_create"),
    path(
        "collaborations/<int:pk>/milestones/<int:milestone_pk>/done/", MilestoneCompleteView.as_view(),
        name="milestone_complete",
    ),
    path("alliance/collaborations/", CollaborationOverviewView.as_view(), name="collaboration_overview"),
]
