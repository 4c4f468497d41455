"""The anchor firm's purchases: the filtered list with totals, the purchase form, corrections and deletion.

Every purchase is looked up through the signed-in user's company, so another company's pk is a 404;
users of a company that is not an anchor firm get a page saying why (403); anonymous visitors log in.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from registry import selectors
from registry.filtersets import clean_query
from registry.forms import apply_service_errors

from ..filtersets import PurchaseFilterSet
from ..forms import PurchaseForm
from ..models import Purchase
from ..permissions import can_change_purchase, can_record_purchases
from ..selectors import buyer_purchase_totals
from ..services import PurchaseFrozen, purchase_delete, purchase_record, purchase_update

PAGE_SIZE = 25
MAX_PAGES = 200
FILTER_FORM_ID = "purchase-filters"



def _list_url(query) -> str:
    return reverse("procurement:purchase_list") + (f"?{query.urlencode()}" if query else "")


def _prepare_form(form):
    """Presentation of the shared filter form on the page: friendlier widgets and empty labels."""
    any_label = gettext_lazy("Any")
    form.fields["local"].widget.choices = [("unknown", any_label), ("true", _("Yes")), ("false", _("No"))]
    form.fields["source"].widget.choices = [("", any_label)] + list(Purchase.Source.choices)
    form.fields["category"].widget.choices = [("", any_label)] + [
        (category.slug, ("— " * depth) + category.display_name) for category, depth in selectors.category_tree()
    ]
    form.fields["year"].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    for name in ("date_from", "date_to"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].help_text = _("Supplier name or identifier, invoice number or description.")
    form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
    return form


class BoundedPaginator(Paginator):
    """Pages of a list whose count is already known, numbered up to MAX_PAGES (a bounded OFFSET).

    A buyer with 75,000 purchases gets its list as fast as one with 100: the count comes from the rollup
    cells, and no page asks the database to skip more than MAX_PAGES × PAGE_SIZE rows. Older purchases are
    reached through the year or date filters, which the page says.
    """

    def __init__(self, object_list, per_page, *, count=None, max_pages=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count
        self.max_pages = max_pages or MAX_PAGES

    @cached_property
    def count(self):
        return super().count if self.known_count is None else self.known_count

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.max_pages)

    @property
    def bounded(self) -> bool:
        """Whether some purchases lie beyond the last page offered."""
        return self.count > self.max_pages * self.per_page

    def page(self, number):
        """A page read in two steps: the ids from the buyer's index (the skipped rows are index entries only, never
        table rows), then the page's 25 rows by id. The deepest page costs about what the first one does."""
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.in_bulk(ids) if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


# Filters the rollup cells can answer (by buyer, year, category and locality snapshot); any other one (a search,
# a date range, the source, the supplier) is summed over the matching purchases.
_ROLLUP_FILTERS = {"year", "category", "local"}


def _totals(filterset, purchases, buyer) -> dict:
    """Number, total and local part of the listed purchases: from the rollup cells when the filters allow."""
    data = filterset.form.cleaned_data
    if all(data.get(name) in (None, "") for name in set(data) - _ROLLUP_FILTERS):
        totals = buyer_purchase_totals(
            buyer, year=data.get("year"), category=data.get("category"), local=data.get("local")
        )
        return {"total": totals["total_amount"], "local": totals["local_amount"], "count": totals["purchase_count"]}
    totals = purchases.order_by().aggregate(
        total=Sum("amount"), local=Sum("amount", filter=Q(supplier_is_local=True)), count=Count("pk")
    )
    return totals


class AnchorRequiredMixin(LoginRequiredMixin):
    """Pages of the anchor firm's purchases: others get a page saying only anchor firms record purchases (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        allowed, reason = can_record_purchases(request.user)
        if not allowed:
            return render(request, "procurement/purchase_forbidden.html", {"reason": reason}, status=403)
        self.company = request.user.company
        self.load_object(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_object(self, **kwargs):
        pass


class PurchaseObjectMixin(AnchorRequiredMixin):
    """One purchase of the user's own company; a purchase it cannot change shows why, and nothing else."""

    def load_object(self, **kwargs):
        # Through the user's company: another company's purchase is a 404, its existence not revealed.
        self.object = get_object_or_404(
            Purchase.objects.select_related("category", "buyer"), pk=kwargs["pk"], buyer=self.company
        )

    def refused(self, request, reason):
        return render(
            request, "procurement/purchase_locked.html", {"purchase": self.object, "reason": reason}, status=409
        )


class PurchaseListView(AnchorRequiredMixin, TemplateView):
    """The company's own purchases: search, filter panel, chips, totals and pages."""

    template_name = "procurement/purchase_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = PurchaseFilterSet(
            clean_query(self.request.GET, PurchaseFilterSet), queryset=Purchase.objects.filter(buyer=self.company)
        )
        form = _prepare_form(filterset.form)
        valid = filterset.is_valid()
        purchases = filterset.qs.select_related("category") if valid else Purchase.objects.none()
        totals = _totals(filterset, purchases, self.company) if valid else {"total": 0, "local": 0, "count": 0}
        paginator = BoundedPaginator(purchases, PAGE_SIZE, count=totals["count"])
        page = paginator.get_page(self.request.GET.get("page"))
        query = clean_query(self.request.GET, PurchaseFilterSet)
        context.update(
            filterset=filterset,
            form=form,
            form_id=FILTER_FORM_ID,
            filters_valid=valid,
            page_obj=page,
            page_range=list(page.paginator.get_elided_page_range(page.number)),
            ellipsis=page.paginator.ELLIPSIS,
            purchases=page.object_list,
            result_count=page.paginator.count,
            pages_bounded=paginator.bounded,
            total_amount=totals["total"] or 0,
            local_amount=totals["local"] or 0,
            query=query,
            panel_fields=[form[name] for name in form.fields if name != "q"],
            chips=[
                {
                    "label": label,
                    "value": value,
                    "url": _list_url(clean_query(self.request.GET, PurchaseFilterSet, without={name})),
                }
                for name, label, value in filterset.active_filters()
            ],
            company=self.company,
        )
        return context


class PurchaseCreateView(AnchorRequiredMixin, TemplateView):
    """Record one purchase through purchase_record; what it refuses comes back beside the fields."""

    template_name = "procurement/purchase_form.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": PurchaseForm()})

    def post(self, request, *args, **kwargs):
        form = PurchaseForm(request.POST)
        if not form.is_valid():
            form.add_row_errors(self.company)
            return self.render_to_response({"form": form})
        try:
            purchase = purchase_record(by=request.user, buyer=self.company, row=form.row(), source="form")
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.render_to_response({"form": form})
        messages.success(request, _("The purchase “%(purchase)s” is recorded.") % {"purchase": purchase})
        return redirect("procurement:purchase_list")


class PurchaseUpdateView(PurchaseObjectMixin, TemplateView):
    """Correct one of the company's purchases, through the same checks as a new one."""

    template_name = "procurement/purchase_form.html"

    def get(self, request, *args, **kwargs):
        allowed, reason = can_change_purchase(request.user, self.object)
        if not allowed:
            return self.refused(request, reason)
        form = PurchaseForm(initial=PurchaseForm.initial_for(self.object))
        return self.render_to_response({"form": form, "purchase": self.object})

    def post(self, request, *args, **kwargs):
        form = PurchaseForm(request.POST)
        if not form.is_valid():
            form.add_row_errors(self.company)
            return self.render_to_response({"form": form, "purchase": self.object})
        try:
            purchase = purchase_update(by=request.user, purchase=self.object, row=form.row())
        except PurchaseFrozen as error:
            return self.refused(request, error.args[0])
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.render_to_response({"form": form, "purchase": self.object})
        messages.success(request, _("The purchase “%(purchase)s” is corrected.") % {"purchase": purchase})
        return redirect("procurement:purchase_list")


class PurchaseDeleteView(PurchaseObjectMixin, TemplateView):
    """Asks for confirmation, then deletes the purchase through purchase_delete."""

    template_name = "procurement/purchase_confirm_delete.html"

    def get(self, request, *args, **kwargs):
        allowed, reason = can_change_purchase(request.user, self.object)
        if not allowed:
            return self.refused(request, reason)
        return self.render_to_response({"purchase": self.object})

    def post(self, request, *args, **kwargs):
        name = str(self.object)
        try:
            purchase_delete(by=request.user, purchase=self.object)
        except PurchaseFrozen as error:
            return self.refused(request, error.args[0])
        messages.success(request, _("The purchase “%(purchase)s” is deleted.") % {"purchase": name})
        return redirect("procurement:purchase_list")


urlpatterns = [
    path("my/purchases/", PurchaseListView.as_view(), name="purchase_list"),
    path("my/purchases/new/", PurchaseCreateView.as_view(), name="purchase_create"),
    path("my/purchases/<int:pk>/edit/", PurchaseUpdateView.as_view(), name="purchase_update"),
    path("my/purchases/<int:pk>/delete/", PurchaseDeleteView.as_view(), name="purchase_delete"),
]
