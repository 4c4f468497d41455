"""The standards reward's part in the subsidy workflow: its basis (a verified participation in an international
standard) and its amount rule (the policy's "Subsidies and rewards" rules).

R_lead = 1,000,000 CNY for leading, R_part = 500,000 CNY for taking part (the programme version's own values),
only for ISO, IEC and ITU standards and verified participations, once per company per standard and role (the
partial unique index `reward_claim_once_per_company_standard_role`). Leading supersedes taking part: a lead claim
after a granted participant claim pays the difference, and no participant claim is accepted beside a lead one.
The workflow locks the applicant's row at approval, so two approvals for one company are decided one at a time.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from calculators.subsidies import capped, standards_reward
from procurement import programme_kinds
from procurement.models import SubsidyProgramme

from .models import Standard, StandardParticipation, StandardRewardClaim

Role = StandardParticipation.Role


def reward_participations(company):
    """The company's participations the reward can rest on: verified, in an ISO, IEC or ITU standard."""
    return (
        StandardParticipation.objects.filter(
            company=company, status=StandardParticipation.Status.VERIFIED,
            standard__body__in=Standard.INTERNATIONAL_BODIES,
        )
        .select_related("standard")
        .order_by("standard__code", "role")
    )


class ParticipationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, participation):
        return f"{participation.standard.code} — {participation.standard.display_title} " \
               f"({participation.get_role_display()})"


class ParticipationForm(programme_kinds.BasisForm):
    """The participation the reward rests on, chosen among the company's verified international ones."""

    participation = ParticipationChoiceField(
        queryset=StandardParticipation.objects.none(), label=gettext_lazy("Standard participation"),
        empty_label=None,
        help_text=gettext_lazy(
            "Your company’s verified participations in ISO, IEC and ITU standards. Record a participation under "
            "“My company”, and have it verified by the bureau, to see it here."
        ),
        error_messages={
            "required": gettext_lazy("Choose the participation."),
            "invalid_choice": gettext_lazy("Choose one of your company’s verified participations."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.company is not None:
            self.fields["participation"].queryset = reward_participations(self.company)


class ParticipationBasisSerializer(serializers.Serializer):
    """The standards reward's basis in the API: the id of one of the company's verified participations."""

    participation = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1,
        help_text=gettext_lazy("Id of a verified participation of your company in an ISO, IEC or ITU standard."),
    )


def granted_for_standard(company, standard, *, exclude=None) -> Decimal:
    """What the company was already granted (approved or paid) for this standard, for the superseding rule."""
    granted = StandardRewardClaim.objects.filter(
        company=company, standard=standard, application__status__in=programme_kinds.GRANTED_STATUSES
    )
    if exclude is not None and exclude.pk:
        granted = granted.exclude(application=exclude)
    return granted.aggregate(total=Sum("application__amount"))["total"] or Decimal("0")


class StandardsRewardKind(programme_kinds.ProgrammeKind):
    """1,000,000 CNY for leading an international standard, 500,000 CNY for taking part."""

    kind = SubsidyProgramme.Kind.STANDARDS_REWARD
    basis_label = gettext_lazy("Standard participation")
    required_parameters = ("lead_reward", "participant_reward")
    form_class = ParticipationForm
    serializer_class = ParticipationBasisSerializer

    def rule_text(self, programme):
        from registry.templatetags.platform_format import cny

        text = _("%(lead)s for leading an international standard (ISO, IEC or ITU), %(part)s for taking part; once "
                 "per company and standard, and leading supersedes taking part (a lead claim after a participant "
                 "reward pays the difference).") % {
            "lead": cny(programme.lead_reward), "part": cny(programme.participant_reward),
        }
        return f"{text} {self.caps_text(programme)}".strip()

    def _claim(self, application):
        return (
            StandardRewardClaim.objects.filter(application=application)
            .select_related("participation__standard").first()
        )

    def _superseded(self, application, participation) -> str:
        """Why a participant claim cannot stand beside a lead claim of the same company for the same standard."""
        if participation.role != Role.PARTICIPANT:
            return ""
        lead = StandardRewardClaim.objects.filter(
            company=application.applicant, standard=participation.standard, role=Role.LEAD, live=True
        ).exclude(application=application)
        if lead.exists():
            return _("Your company claims the reward for leading %(code)s; leading supersedes taking part.") % {
                "code": participation.standard.code
            }
        return ""

    def _problem(self, application, participation) -> str:
        if participation.company_id != application.applicant_id:
            return _("Choose one of your company’s verified participations.")
        if participation.status != StandardParticipation.Status.VERIFIED:
            return _("The participation in %(code)s is not verified by the bureau.") % {
                "code": participation.standard.code
            }
        if not participation.standard.is_international:
            return _("%(code)s is not an ISO, IEC or ITU standard: the reward is for international standards only.") % {
                "code": participation.standard.code
            }
        return self._superseded(application, participation)

    def set_basis(self, application, basis, *, by):
        value = basis.get("participation")
        pk = getattr(value, "pk", value)
        # Looked up through the applicant: another company's participation reads as "not yours", never as found.
        participation = None
        if isinstance(pk, int):
            participation = (
                StandardParticipation.objects.filter(company=application.applicant, pk=pk)
                .select_related("standard").first()
            )
        if participation is None:
            raise ValidationError({"participation": _("Choose one of your company’s verified participations.")})
        problem = self._problem(application, participation)
        if problem:
            raise ValidationError({"participation": problem})
        try:
            # A savepoint: the unique index may refuse the row, and the outer transaction must stay usable.
            with transaction.atomic():
                StandardRewardClaim.objects.update_or_create(application=application, defaults={
                    "participation": participation, "company": application.applicant,
                    "standard": participation.standard, "role": participation.role, "live": True,
                })
        except IntegrityError:
            raise ValidationError({"participation": _(
                "Your company already claims this reward for %(code)s as %(role)s; it is paid once."
            ) % {"code": participation.standard.code, "role": participation.get_role_display().lower()}},
                code="claimed") from None

    def has_basis(self, application):
        return StandardRewardClaim.objects.filter(application=application, live=True).exists()

    def check(self, application):
        claim = self._claim(application)
        if claim is None or not claim.live:
            raise ValidationError({"participation": _("Choose the participation.")}, code="no_basis")
        problem = self._problem(application, claim.participation)
        if problem:
            raise ValidationError({"participation": problem}, code="ineligible")

    def award(self, application, *, year):
        claim = self._claim(application)
        if claim is None:
            return programme_kinds.Award(amount=Decimal("0.00"), eligible_total=None)
        programme = application.programme
        amount = standards_reward(
            claim.role, lead_reward=programme.lead_reward, participant_reward=programme.participant_reward,
            already_granted=granted_for_standard(application.applicant, claim.standard, exclude=application),
        )
        granted_this_year = programme_kinds.already_granted(application.applicant, programme, year, exclude=application)
        amount = capped(
            amount, cap_per_application=programme.cap_per_application, cap_per_year=programme.cap_per_applicant_year,
            already_granted=granted_this_year,
        )
        return programme_kinds.Award(amount=amount, eligible_total=None)

    def release(self, application):
        StandardRewardClaim.objects.filter(application=application).update(live=False)

    def initial(self, application):
        claim = self._claim(application)
        return {"participation": claim.participation_id} if claim else {}

    def describe(self, application):
        claim = self._claim(application)
        if claim is None:
            return []
        participation = claim.participation
        return [
            (_("Standard"), f"{participation.standard.code} {participation.standard.display_title}"),
            (_("Body"), participation.standard.get_body_display()),
            (_("Role"), participation.get_role_display()),
            (_("Participation"), participation.get_status_display()),
        ]

    def api_basis(self, application):
        claim = self._claim(application)
        if claim is None:
            return {}
        return {"participation": claim.participation_id, "standard": claim.participation.standard.code,
                "role": claim.role}


programme_kinds.register(StandardsRewardKind())
