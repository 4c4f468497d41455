"""The public /alliance/ page: members by tier, counts by category and district, collaborations, standards; and
the filtered list of members (the same MembershipFilterSet as the API)."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from registry import selectors as registry_selectors
from registry.filtersets import clean_query

from .. import members
from .. import standards as standards_service
from ..filtersets import MembershipFilterSet
from ..models import Collaboration, Membership
from ..permissions import PUBLIC_COLLABORATION_STATUSES

PAGE_SIZE = 50
FILTER_FORM_ID = "member-filters"


def _with_shares(rows: list[dict]) -> list[dict]:
    """Each row's share of the largest count, in per cent: the width of its bar beside the table's number."""
    largest = max((row["count"] for row in rows), default=0)
    for row in rows:
        row["share"] = round(100 * row["count"] / largest) if largest else 0
    return rows


def collaboration_counts() -> list[dict]:
    """Active and completed collaborations by model (what the public may know of them)."""
    counts = dict(
        Collaboration.objects.filter(status__in=PUBLIC_COLLABORATION_STATUSES)
        .values_list("model").annotate(n=Count("pk")).order_by()
    )
    return [{"label": label, "count": counts.get(value, 0)} for value, label in Collaboration.Model.choices]


class AllianceIndexView(TemplateView):
    """The alliance at a glance: its members by tier, where they are and what they make, collaborations, standards."""

    template_name = "alliance/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tiers = members.members_by_tier()
        collaborations = collaboration_counts()
        context.update(
            tiers=tiers,
            member_count=sum(len(tier["members"]) for tier in tiers),
            by_type=_with_shares(members.member_counts_by_organisation_type()),
            by_category=_with_shares(members.member_counts_by_category()),
            by_district=_with_shares(members.member_counts_by_district()),
            collaborations=collaborations,
            collaboration_total=sum(row["count"] for row in collaborations),
            standards=standards_service.standards_with_counts().order_by("code"),
        )
        return context


def _prepare_filter_form(form):
    any_label = gettext_lazy("Any")
    for name in ("tier", "status", "organisation_type"):
        form.fields[name].widget.choices = [("", any_label), *form.fields[name].choices[1:]]
    form.fields["category"].widget.choices = [("", any_label)] + [
        (category.slug, ("— " * depth) + category.display_name)
        for category, depth in registry_selectors.category_tree()
    ]
    form.fields["district"].widget.choices = [("", any_label)] + [
        (district.code, district.display_name) for district in form.fields["district"].queryset
    ]
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].help_text = _("Name, English name or USCC.")
    form.fields["q"].widget.attrs["form"] = FILTER_FORM_ID
    return form


def _list_url(query) -> str:
    return reverse("alliance:member_list") + (f"?{query.urlencode()}" if query else "")


class MemberListView(TemplateView):
    """Every membership, current and past, filtered the way the API filters them."""

    template_name = "alliance/member_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET, MembershipFilterSet)
        filterset = MembershipFilterSet(query, queryset=Membership.objects.select_related(
            "organisation", "organisation__district"
        ))
        form = _prepare_filter_form(filterset.form)
        valid = filterset.is_valid()
        memberships = filterset.qs if valid else Membership.objects.none()
        page = Paginator(memberships, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form, form_id=FILTER_FORM_ID, filters_valid=valid, query=query,
            panel_fields=[form[name] for name in form.fields if name != "q"],
            page_obj=page, page_range=list(page.paginator.get_elided_page_range(page.number)),
            ellipsis=page.paginator.ELLIPSIS, memberships=page.object_list, result_count=page.paginator.count,
            chips=[
                {"label": label, "value": value,
                 "url": _list_url(clean_query(self.request.GET, MembershipFilterSet, without={name}))}
                for name, label, value in filterset.active_filters()
            ],
        )
        return context


urlpatterns = [
    path("alliance/", AllianceIndexView.as_view(), name="index"),
    path("alliance/members/", MemberListView.as_view(), name="member_list"),
]
