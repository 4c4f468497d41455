"""Matchmaking pages: sourcing requests (list, post, page with the suggested suppliers), offers and the anchor firm's
decisions, the notices, and what matchmaking adds to /my/ and the chain map.

A members-only request is for alliance members, its anchor firm and officials: anyone else gets a 404, never a hint
that it exists; so does an offer for anyone but its supplier, the anchor firm and officials. Every write goes
through alliance.matchmaking; what a service refuses comes back beside the field it names (400) or as a page saying
why (403).
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
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from registry import selectors as registry_selectors
from registry.bounds import validate_amount_bound, validate_quantity_bound
from registry.figures import FIGURES
from registry.filtersets import clean_query
from registry.forms import AmountField, WholeNumberField, apply_service_errors
from registry.models import Category, Certificate, Product
from registry.views.my import CompanyRequiredMixin

from .. import selectors
from ..filtersets import SourcingRequestFilterSet
from ..matchmaking import (
    notice_mark_read,
    offer_accept,
    offer_decline,
    offer_shortlist,
    offer_submit,
    products_for_offer,
    sourcing_request_create,
    sourcing_request_withdraw,
)
from ..models import Notice, Offer, SourcingRequest
from ..permissions import (
    can_accept_offer,
    can_decline_offer,
    can_offer,
    can_post_sourcing_request,
    can_see_matches,
    can_shortlist_offer,
    can_view_offer,
    can_view_sourcing_request,
    can_withdraw_sourcing_request,
    owns_sourcing_request,
)
from .collaborations import _date_field

PAGE_SIZE = 25
FILTER_FORM_ID = "sourcing-filters"
INVALID = 400

# --- forms -------------------------------------------------------------------------------------------------------


def _figure_field(label):
    # A text box, as in the directory: "1e-2" is how conductivities are written, and type=number loses typing.
    return forms.FloatField(
        label=label, required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "figure-input"}),
        error_messages={"invalid": gettext_lazy("Enter a number, for example 0.01 or 1e-2.")},
    )


class SourcingRequestForm(forms.Form):
    """A sourcing request as its user types it; the rules (who may post, plausible thresholds) are the service's."""

    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200,
        help_text=gettext_lazy("What you need, in a few words, e.g. “Sulfide electrolyte powder for pilot cells”."),
        error_messages={"required": gettext_lazy("Give the request a title.")},
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.all(), to_field_name="slug",
        empty_label=gettext_lazy("Choose a category"),
        error_messages={"required": gettext_lazy("Choose the category you need supply in."),
                        "invalid_choice": gettext_lazy("Choose a category from the list.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Description (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    quantity = AmountField(
        label=gettext_lazy("Quantity per year"), max_digits=16, decimal_places=3, min_value=0,
        validators=[validate_quantity_bound],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Give the quantity you need per year.")},
    )
    quantity_unit = forms.ChoiceField(
        label=gettext_lazy("Unit"), choices=Product.CapacityUnit.choices,
        help_text=gettext_lazy("The unit suppliers state their yearly capacity in."),
    )
    required_certificates = forms.MultipleChoiceField(
        label=gettext_lazy("Required certificates (optional)"), required=False, choices=Certificate.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Suppliers holding them, valid, rank higher; others may still answer."),
    )
    local_only = forms.BooleanField(label=gettext_lazy("Local suppliers only"), required=False)
    deadline = _date_field(
        gettext_lazy("Deadline for offers"), required_message=gettext_lazy("Enter the deadline."),
        help_text=gettext_lazy("The last day offers are taken and decided, within a year. For example 2026-09-30."),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees the request"), choices=SourcingRequest.Visibility.choices,
        initial=SourcingRequest.Visibility.PUBLIC, widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = [("", gettext_lazy("Choose a category"))] + [
            (category.slug, ("— " * depth) + category.display_name)
            for category, depth in registry_selectors.category_tree()
        ]
        for key, figure in FIGURES.items():
            for bound, word in (("min", gettext_lazy("at least")), ("max", gettext_lazy("at most"))):
                self.fields[f"{bound}_{key}"] = _figure_field(
                    format_lazy("{label} {bound} ({unit})", label=figure.label, bound=word, unit=figure.unit)
                )

    def figure_groups(self):
        return [{"figure": figure, "min": self[f"min_{key}"], "max": self[f"max_{key}"]}
                for key, figure in FIGURES.items()]

    def requirements(self) -> list[tuple[str, str, float]]:
        found = []
        for key in FIGURES:
            for bound in ("min", "max"):
                value = self.cleaned_data.get(f"{bound}_{key}")
                if value is not None:
                    found.append((key, bound, value))
        return found

    def request_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in (
            "title", "description", "category", "quantity", "quantity_unit", "local_only", "deadline", "visibility",
        )}


class OfferForm(forms.Form):
    products = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Your products offered"), queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one of your products in the requested category.")},
    )
    price_low = AmountField(
        label=gettext_lazy("Price from"), max_digits=16, decimal_places=2, min_value=0,
        validators=[validate_amount_bound],
        help_text=gettext_lazy("Yuan per unit of the requested quantity."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Give the lowest price you offer.")},
    )
    price_high = AmountField(
        label=gettext_lazy("Price up to"), max_digits=16, decimal_places=2, min_value=0,
        validators=[validate_amount_bound],
        help_text=gettext_lazy("Yuan per unit; the same as the lowest for a single price."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Give the highest price you offer.")},
    )
    lead_time_days = WholeNumberField(
        label=gettext_lazy("Lead time"), min_value=0, max_value=3650,
        help_text=gettext_lazy("Days from order to first delivery."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Give the lead time in days.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Anything the anchor firm should know: samples, terms, test reports."),
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products

    def offer_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("note", "price_low", "price_high", "lead_time_days")}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The other party reads it."),
        error_messages={"required": gettext_lazy("Give the reason: the other party reads it.")},
    )


class EmptyForm(forms.Form):
    """Nothing to type: the button is the decision."""


# --- helpers -----------------------------------------------------------------------------------------------------


def _refused(request, reason):
    return render(request, "alliance/collaboration_refused.html", {"reason": reason}, status=403)


def _visible_request_or_404(request, pk) -> SourcingRequest:
    sourcing_request = get_object_or_404(
        SourcingRequest.objects.select_related("anchor", "category", "created_by"), pk=pk
    )
    if not can_view_sourcing_request(request.user, sourcing_request):
        raise Http404
    return sourcing_request


def _url(query) -> str:
    return reverse("alliance:sourcing_request_list") + (f"?{query.urlencode()}" if query else "")


def request_changes(sourcing_request) -> list[dict]:
    """The request's status changes, oldest first."""
    labels = dict(SourcingRequest.Status.choices)
    changes, previous = [], None
    for record in sourcing_request.history.select_related("history_user").order_by("history_date", "history_id"):
        if record.status != previous:
            changes.append({"at": record.history_date, "to_label": labels.get(record.status, record.status),
                            "reason": record.status_reason if record.status == "withdrawn" else ""})
        previous = record.status
    return changes


# --- pages -------------------------------------------------------------------------------------------------------


class SourcingRequestListView(TemplateView):
    """The sourcing requests a visitor may see: search, filters, chips, pages."""

    template_name = "alliance/sourcing_request_list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=200 if context["filters_valid"] else INVALID)

    def get_context_data(self, **kwargs):
        from ..permissions import visible_sourcing_requests

        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, SourcingRequestFilterSet)
        base = visible_sourcing_requests(
            self.request.user, SourcingRequest.objects.select_related("anchor", "category")
        )
        filterset = SourcingRequestFilterSet(query, queryset=base)
        form = filterset.form
        any_label = gettext_lazy("Any")
        form.fields["category"].widget.choices = [("", any_label)] + [
            (category.slug, ("— " * depth) + category.display_name)
            for category, depth in registry_selectors.category_tree()
        ]
        form.fields["status"].widget.choices = [("", any_label)] + list(SourcingRequest.Status.choices)
        form.fields["visibility"].widget.choices = [("", any_label)] + list(SourcingRequest.Visibility.choices)
        form.fields["local_only"].widget.choices = [("unknown", any_label), ("true", _("Yes")), ("false", _("No"))]
        form.fields["anchor"].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        form.fields["q"].widget.input_type = "search"
        form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
        valid = filterset.is_valid()
        requests = filterset.qs if valid else SourcingRequest.objects.none()
        page = Paginator(requests, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form, form_id=FILTER_FORM_ID, filters_valid=valid,
            panel_fields=[form[name] for name in ("category", "status", "local_only", "visibility")],
            page_obj=page, sourcing_requests=page.object_list,
            page_range=list(page.paginator.get_elided_page_range(page.number)), ellipsis=page.paginator.ELLIPSIS,
            result_count=page.paginator.count, query=query,
            chips=[{"label": label, "value": value,
                    "url": _url(clean_query(self.request.GET, SourcingRequestFilterSet, without={name}))}
                   for name, label, value in filterset.active_filters()],
            can_post=can_post_sourcing_request(self.request.user)[0],
        )
        return context


class SourcingRequestCreateView(CompanyRequiredMixin, TemplateView):
    """Post a sourcing request; `?category=<slug>` (the gap prompts' link) chooses the category."""

    template_name = "alliance/sourcing_request_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.company_id:
            allowed, reason = can_post_sourcing_request(request.user)
            if not allowed:
                return _refused(request, reason)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = {"visibility": SourcingRequest.Visibility.PUBLIC, "quantity_unit": Product.CapacityUnit.TONNES}
        slug = request.GET.get("category", "")
        category = Category.objects.filter(slug=slug).first() if slug and len(slug) <= 60 else None
        if category is not None:
            initial["category"] = category.slug
            initial["title"] = _("Local supply of %(category)s") % {"category": category.display_name}
        return self.render_to_response({"form": SourcingRequestForm(initial=initial)})

    def post(self, request, *args, **kwargs):
        form = SourcingRequestForm(request.POST)
        if form.is_valid():
            try:
                sourcing_request = sourcing_request_create(
                    by=request.user, data=form.request_data(), requirements=form.requirements(),
                    certificates=form.cleaned_data.get("required_certificates") or (),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The sourcing request “%(title)s” is posted.")
                                 % {"title": sourcing_request.title})
                return redirect("alliance:sourcing_request_detail", pk=sourcing_request.pk)
        return self.render_to_response({"form": form}, status=INVALID)


class SourcingRequestDetailView(TemplateView):
    """One request: its facts and thresholds; for the anchor firm the ranked suppliers and the offers with its
    decisions; for a supplier its own offer, or the way to make one."""

    template_name = "alliance/sourcing_request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sourcing_request = _visible_request_or_404(self.request, kwargs["pk"])
        owner = owns_sourcing_request(user, sourcing_request)
        show_all_offers = owner or can_see_matches(user, sourcing_request)
        offers = sourcing_request.offers.select_related("supplier", "collaboration").prefetch_related("products")
        if not show_all_offers:
            offers = offers.filter(supplier_id=user.company_id) if user.is_authenticated and user.company_id \
                else offers.none()
        offers = list(offers)
        for offer in offers:
            offer.can_shortlist = can_shortlist_offer(user, offer)[0]
            offer.can_decline = can_decline_offer(user, offer)[0]
            offer.can_accept = can_accept_offer(user, offer)[0]
        allowed, reason = can_offer(user, sourcing_request)
        context.update(
            sourcing_request=sourcing_request,
            requirements=list(sourcing_request.requirements.all()),
            matches=selectors.suggested_suppliers(sourcing_request) if can_see_matches(user, sourcing_request)
            else None,
            offers=offers, show_all_offers=show_all_offers, owner=owner,
            can_offer=allowed, offer_refusal=reason if user.is_authenticated and user.company_id and not owner else "",
            can_withdraw=can_withdraw_sourcing_request(user, sourcing_request)[0],
            changes=request_changes(sourcing_request) if show_all_offers else [],
            unit_label=sourcing_request.get_quantity_unit_display(),
        )
        return context


class _RequestActionView(LoginRequiredMixin, TemplateView):
    """A form that moves a request or one of its offers: checked by a predicate, done by a service."""

    template_name = "alliance/sourcing_action.html"
    form_class = EmptyForm
    heading = ""
    button = ""
    success = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.sourcing_request = _visible_request_or_404(request, kwargs["pk"])
        self.offer = None
        if "offer_pk" in kwargs:
            self.offer = get_object_or_404(
                Offer.objects.select_related("supplier", "request__anchor", "request__category"),
                pk=kwargs["offer_pk"], request=self.sourcing_request,
            )
            if not can_view_offer(request.user, self.offer):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> tuple[bool, str]:
        raise NotImplementedError

    def context(self, form):
        return {"sourcing_request": self.sourcing_request, "offer": self.offer, "form": form,
                "heading": self.heading, "button": self.button, "action": self.request.path,
                "explanation": getattr(self, "explanation", "")}

    def get(self, request, *args, **kwargs):
        allowed, reason = self.allowed()
        if not allowed:
            return _refused(request, reason)
        return self.render_to_response(self.context(self.form_class()))

    def post(self, request, *args, **kwargs):
        allowed, reason = self.allowed()
        if not allowed:
            return _refused(request, reason)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                target = self.act(form)
            except PermissionDenied as error:
                return _refused(request, str(error))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, self.success % {"title": self.sourcing_request.title})
                return redirect(target or reverse("alliance:sourcing_request_detail", args=[self.sourcing_request.pk]))
        return self.render_to_response(self.context(form), status=INVALID)


class SourcingRequestWithdrawView(_RequestActionView):
    form_class = ReasonForm
    heading = gettext_lazy("Withdraw the sourcing request")
    button = gettext_lazy("Withdraw the request")
    success = gettext_lazy("The sourcing request “%(title)s” is withdrawn.")

    def allowed(self):
        return can_withdraw_sourcing_request(self.request.user, self.sourcing_request)

    def act(self, form):
        sourcing_request_withdraw(by=self.request.user, sourcing_request=self.sourcing_request,
                                  reason=form.cleaned_data["reason"])


class OfferShortlistView(_RequestActionView):
    heading = gettext_lazy("Shortlist the offer")
    button = gettext_lazy("Shortlist")
    success = gettext_lazy("The offer is shortlisted; the supplier is told.")

    def allowed(self):
        return can_shortlist_offer(self.request.user, self.offer)

    def act(self, form):
        offer_shortlist(by=self.request.user, offer=self.offer)


class OfferDeclineView(_RequestActionView):
    form_class = ReasonForm
    heading = gettext_lazy("Decline the offer")
    button = gettext_lazy("Decline the offer")
    success = gettext_lazy("The offer is declined; the supplier reads your reason.")

    def allowed(self):
        return can_decline_offer(self.request.user, self.offer)

    def act(self, form):
        offer_decline(by=self.request.user, offer=self.offer, reason=form.cleaned_data["reason"])


class OfferAcceptView(_RequestActionView):
    heading = gettext_lazy("Accept the offer")
    button = gettext_lazy("Accept the offer")
    success = gettext_lazy("The offer is accepted and “%(title)s” is awarded. The supply agreement is proposed: it "
                           "becomes active when the supplier confirms it.")
    explanation = gettext_lazy("Accepting awards the request, declines the other offers and proposes a long-term "
                               "supply agreement to the supplier for a year from today, with the requested quantity.")

    def allowed(self):
        return can_accept_offer(self.request.user, self.offer)

    def act(self, form):
        offer = offer_accept(by=self.request.user, offer=self.offer)
        return reverse("alliance:collaboration_detail", args=[offer.collaboration_id])


class OfferCreateView(CompanyRequiredMixin, TemplateView):
    """A supplier answers a request with an offer."""

    template_name = "alliance/offer_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.sourcing_request = _visible_request_or_404(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        return OfferForm(data, products=products_for_offer(self.company, self.sourcing_request))

    def _page(self, form, status=200):
        return self.render_to_response({"form": form, "sourcing_request": self.sourcing_request,
                                        "unit_label": self.sourcing_request.get_quantity_unit_display()}, status=status)

    def get(self, request, *args, **kwargs):
        allowed, reason = can_offer(request.user, self.sourcing_request)
        if not allowed:
            return _refused(request, reason)
        return self._page(self._form())

    def post(self, request, *args, **kwargs):
        allowed, reason = can_offer(request.user, self.sourcing_request)
        if not allowed:
            return _refused(request, reason)
        form = self._form(request.POST)
        if form.is_valid():
            try:
                offer_submit(by=request.user, sourcing_request=self.sourcing_request, data=form.offer_data(),
                             products=form.cleaned_data["products"])
            except PermissionDenied as error:
                return _refused(request, str(error))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your offer is sent to %(anchor)s.")
                                 % {"anchor": self.sourcing_request.anchor.name})
                return redirect("alliance:sourcing_request_detail", pk=self.sourcing_request.pk)
        return self._page(form, status=INVALID)


class NoticeReadView(LoginRequiredMixin, View):
    """Mark one of the company's notices as read (POST), then back to where the user was."""

    def post(self, request, pk):
        notice = get_object_or_404(Notice, pk=pk, company_id=request.user.company_id or 0)
        notice_mark_read(by=request.user, notice=notice)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("registry:my_home")
        return redirect(target)


# --- sections of the registry's pages ----------------------------------------------------------------------------


def my_section(request, company) -> str:
    """/my/: for an anchor firm its largest non-local spend (prompts to post a request) and its requests; for a
    supplier the live requests it could answer and its offers."""
    user = request.user
    context = {"company": company}
    if company.is_anchor:
        context.update(
            gaps=selectors.sourcing_gaps(company),
            own_requests=list(SourcingRequest.objects.filter(anchor=company).select_related("category")[:5]),
            can_post=can_post_sourcing_request(user)[0],
        )
    else:
        context.update(
            to_answer=selectors.requests_to_answer(company, user),
            own_offers=list(Offer.objects.filter(supplier=company).select_related("request__anchor")[:5]),
        )
    if not any(context.get(key) for key in ("gaps", "own_requests", "can_post", "to_answer", "own_offers")):
        return ""
    return render_to_string("alliance/_matchmaking_my_section.html", context, request=request)


def notices_section(request, company) -> str:
    """/my/: the company's unread notices, each with a "mark as read" button."""
    unread = list(Notice.objects.filter(company=company, read_at__isnull=True)[:10])
    if not unread:
        return ""
    return render_to_string("alliance/_notices_my_section.html", {"notices": unread}, request=request)


def chain_map_links(request, categories) -> dict[int, list[dict]]:
    """The chain map's link from a category to its live sourcing requests (those the visitor may see)."""
    counts = selectors.open_requests_by_category(request.user, timezone.localdate())
    links = {}
    for category in categories:
        count = counts.get(category.pk)
        if count:
            links[category.pk] = [{
                "text": ngettext("%(count)d open sourcing request", "%(count)d open sourcing requests", count)
                % {"count": count},
                "url": reverse("alliance:sourcing_request_list") + f"?category={category.slug}&status=open",
            }]
    return links


urlpatterns = [
    path("sourcing-requests/", SourcingRequestListView.as_view(), name="sourcing_request_list"),
    path("sourcing-requests/new/", SourcingRequestCreateView.as_view(), name="sourcing_request_create"),
    path("sourcing-requests/<int:pk>/", SourcingRequestDetailView.as_view(), name="sourcing_request_detail"),
    path("sourcing-requests/<int:pk>/withdraw/", SourcingRequestWithdrawView.as_view(),
         name="sourcing_request_withdraw"),
    path("sourcing-requests/<int:pk>/offer/", OfferCreateView.as_view(), name="offer_create"),
    path("sourcing-requests/<int:pk>/offers/<int:offer_pk>/shortlist/", OfferShortlistView.as_view(),
         name="offer_shortlist"),
    path("sourcing-requests/<int:pk>/offers/<int:offer_pk>/decline/", OfferDeclineView.as_view(),
         name="offer_decline"),
    path("sourcing-requests/<int:pk>/offers/<int:offer_pk>/accept/", OfferAcceptView.as_view(), name="offer_accept"),
    path("my/notices/<int:pk>/read/", NoticeReadView.as_view(), name="notice_read"),
]
