"""Admin of the alliance's members: officials admit organisations, change their tier and end memberships.

Every move goes through alliance.members, one membership at a time, reported with message_user, so the admin
can never move a membership the rules forbid, and every move lands in its history with the official's name.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import HistoryWithoutRevertMixin, tag
from registry.models import Company

from .. import members as service
from ..models import Membership


def apply_service(model_admin, request, objects, call, done_message) -> list:
    """Call the service for each record; report how many succeeded and why each failure failed."""
    done = []
    for obj in objects:
        try:
            done.append(call(obj))
        except PermissionDenied as exc:
            model_admin.message_user(request, f"{obj}: {exc}", messages.ERROR)
        except ValidationError as exc:
            model_admin.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.WARNING)
    if done:
        model_admin.message_user(request, done_message(len(done)), messages.SUCCESS)
    return done


def action_form_step(model_admin, request, queryset, form_class, *, title, button, act):
    """Ask for what the action needs (a reason, a date) on an intermediate page; act once the form is valid."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            act(form.cleaned_data)
            return None
    else:
        form = form_class()
    # The page posts back the same choice: the list's action and its selection.
    hidden = [
        (name, value)
        for name in ("action", "select_across", "_selected_action")
        for value in request.POST.getlist(name)
    ]
    opts = model_admin.model._meta
    cancel_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    if request.GET:
        cancel_url += "?" + request.GET.urlencode()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title, "button": button, "opts": opts, "form": form, "objects": list(queryset),
        "hidden": hidden, "cancel_url": cancel_url,
    }
    return TemplateResponse(request, "admin/decision_form.html", context)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class MembershipAddForm(forms.ModelForm):
    """Admit an organisation: a verified organisation of the registry whose code fits its type."""

    class Meta:
        model = Membership
        fields = ("organisation", "tier", "joined_on")
        widgets = {"joined_on": DateInput()}
        help_texts = {
            "organisation": _("Verified organisations of the registry that are not members now."),
            "joined_on": _("Today unless the admission took effect earlier."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Membership.objects.filter(status=Membership.Status.ACTIVE).values("organisation_id")
        self.fields["organisation"].queryset = Company.objects.published().exclude(pk__in=active).order_by("name")
        self.fields["joined_on"].initial = timezone.localdate

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        problem = service.admission_problem(organisation)
        if problem is not None:
            raise problem
        return organisation

    def clean_joined_on(self):
        joined_on = self.cleaned_data["joined_on"]
        if joined_on > timezone.localdate():
            raise ValidationError(_("The joining date cannot be in the future."))
        return joined_on


class EndMembershipForm(forms.Form):
    """The official's reason for ending the chosen memberships, and the day they end."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("Shown in the membership’s record. Say why the membership ends."),
        error_messages={"required": _("Give the reason for ending the membership.")},
    )
    left_on = forms.DateField(
        label=_("Left on"), widget=DateInput(), initial=timezone.localdate,
        help_text=_("The day the membership ends: today or earlier, not before the joining date."),
        error_messages={"required": _("Enter the day the membership ends.")},
    )



@admin.register(Membership)
class MembershipAdmin(HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    """The alliance's members: admission (the add form), tier changes and endings (actions)."""

    list_display = ("organisation", "organisation_type", "tier", "status_shown", "joined_on", "left_on", "admitted_by")
    list_filter = ("status", "tier", "organisation__organisation_type", "organisation__district")
    search_fields = ("organisation__name", "organisation__name_en", "organisation__uscc")
    search_help_text = _("Search by the organisation’s name, English name or USCC.")
    list_select_related = ("organisation", "admitted_by")
    actions = ("make_council", "make_member", "end_memberships")
    history_list_display = ["tier", "status"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MembershipAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("organisation", "tier", "joined_on")
        return ("organisation", "tier", "status", "joined_on", "left_on", "end_reason", "admitted_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        # After admission the membership moves only through the actions, which call the services.
        return self.get_fields(request, obj) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        # Memberships end; they are never deleted, so the alliance's past stays on record.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once admitted
        membership = service.membership_admit(
            organisation=form.cleaned_data["organisation"], by=request.user, tier=form.cleaned_data["tier"],
            joined_on=form.cleaned_data["joined_on"],
        )
        # The admin goes on with `obj` (its log entry and redirect): make it the row the service wrote.
        for field in Membership._meta.concrete_fields:
            setattr(obj, field.attname, getattr(membership, field.attname))
        obj._state.adding = False

    @admin.display(description=_("organisation type"), ordering="organisation__organisation_type")
    def organisation_type(self, membership):
        return membership.organisation.get_organisation_type_display()

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, membership):
        return tag("verified" if membership.status == Membership.Status.ACTIVE else "expired",
                   membership.get_status_display())

    def _change_tier(self, request, queryset, tier):
        apply_service(
            self, request, queryset.select_related("organisation"),
            lambda membership: service.membership_change_tier(membership=membership, by=request.user, tier=tier),
            lambda n: ngettext("%(n)d membership moved to the tier “%(tier)s”.",
                               "%(n)d memberships moved to the tier “%(tier)s”.", n)
            % {"n": n, "tier": Membership.Tier(tier).label},
        )

    @admin.action(description=_("Move to the council"), permissions=["change"])
    def make_council(self, request, queryset):
        self._change_tier(request, queryset, Membership.Tier.COUNCIL)

    @admin.action(description=_("Move to ordinary membership"), permissions=["change"])
    def make_member(self, request, queryset):
        self._change_tier(request, queryset, Membership.Tier.MEMBER)

    @admin.action(description=_("End the selected memberships (reason required)"), permissions=["change"])
    def end_memberships(self, request, queryset):
        queryset = queryset.select_related("organisation")
        return action_form_step(
            self, request, queryset, EndMembershipForm, title=_("End memberships"), button=_("End the memberships"),
            act=lambda data: apply_service(
                self, request, queryset,
                lambda membership: service.membership_end(
                    membership=membership, by=request.user, reason=data["reason"], left_on=data["left_on"]
                ),
                lambda n: ngettext("%(n)d membership ended.", "%(n)d memberships ended.", n) % {"n": n},
            ),
        )

