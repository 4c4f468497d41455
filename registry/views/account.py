"""Sign-up: a company and its first user in one flow, or a request to join a registered company."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from ..forms import SignupForm, apply_service_errors
from ..identifiers import division_code
from ..services import company_register, join_request_create, join_request_signup

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignupView(FormView):
    """Registers a company with its first user (or asks to join a registered one), then opens /my/."""

    template_name = "registry/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        # One company per user; officials register nothing here.
        if user.is_authenticated and (user.company_id or user.is_staff):
            return redirect("registry:my_home")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        signed_in = self.request.user if self.request.user.is_authenticated else None
        try:
            if form.joining:
                company = form.existing_company
                message = form.cleaned_data["join_message"]
                if signed_in:
                    join_request_create(user=signed_in, company=company, message=message)
                    user = signed_in
                else:
                    user = join_request_signup(user_data=form.user_data(), company=company, message=message)
            elif signed_in:
                user = company_register(
                    user=signed_in, company_data=form.company_data(), categories=form.cleaned_data["categories"]
                )
            else:
                user = company_register(
                    user_data=form.user_data(),
                    company_data=form.company_data(),
                    categories=form.cleaned_data["categories"],
                )
        except ValidationError as error:
            apply_service_errors(form, error, {"password": "password1"})
            return self.form_invalid(form)
        if signed_in is None:
            login(self.request, user, backend=LOGIN_BACKEND)
        if form.joining:
            messages.success(
                self.request,
                _("Your request to join %(company)s is sent. It awaits approval by the company’s users or an official.")
                % {"company": form.existing_company.name},
            )
        else:
            messages.success(self.request, registration_message(user.company))
        return redirect("registry:my_home")


def registration_message(company) -> str:
    """What a new company is told: pending, its size class, and what its USCC suggests about locality."""
    parts = [
        _("%(company)s is registered and awaits verification by the city’s industry bureau.") % {"company": company},
        _("Size class from the employees and revenue you gave: %(size)s.") % {"size": company.get_size_class_display()},
    ]
    if company.locality_suggested:
        parts.append(
            _("The USCC’s division code %(code)s lies inside the city, which suggests a local company; an official "
              "confirms this at verification.") % {"code": division_code(company.uscc)}
        )
    else:
        parts.append(
            _("The USCC’s division code %(code)s lies outside the city, which suggests the company is not local; "
              "an official confirms this at verification.") % {"code": division_code(company.uscc)}
        )
    return " ".join(parts)
