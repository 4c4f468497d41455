"""The company's own pages: profile, products, certificates, join requests, and the private certificate documents.

Every record is looked up through the signed-in user's company, so another company's pk is a 404,
never someone else's data; anonymous visitors are sent to the login page.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from .. import sections
from ..forms import CertificateForm, CompanyProfileForm, ProductForm, apply_service_errors, figure_field_map
from ..identifiers import division_code
from ..models import Certificate, JoinRequest, Product, ProductFigure
from ..permissions import can_view_certificate_document, is_official
from ..services import (
    certificate_delete,
    certificate_save,
    company_update,
    join_request_decide,
    product_delete,
    product_save,
)
from ..uploads import CONTENT_TYPES


class CompanyRequiredMixin(LoginRequiredMixin):
    """Pages about the user's own company; a user without one is sent to /my/, which explains why."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.company_id is None:
            return redirect("registry:my_home")
        self.company = request.user.company
        return super().dispatch(request, *args, **kwargs)


class CompanyObjectMixin(LoginRequiredMixin):
    """Pages about one record of the user's company, found through that company (404 for anyone else's)."""

    model = None

    def get_queryset(self, request):
        return self.model.objects.filter(company_id=request.user.company_id)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_object_or_404(self.get_queryset(request), pk=kwargs["pk"])
        self.company = request.user.company
        return super().dispatch(request, *args, **kwargs)


class MyHomeView(LoginRequiredMixin, TemplateView):
    """The company's home: status, size, locality, profile, products, certificates, join requests, users."""

    def get_template_names(self):
        if self.request.user.company_id is None:
            return ["registry/my_no_company.html"]
        return ["registry/my_home.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.company_id is None:
            context["join_requests"] = user.join_requests.select_related("company")
            context["is_official"] = is_official(user)
            return context
        company = user.company
        context.update(
            company=company,
            division_code=division_code(company.uscc),
            categories=company.categories.select_related("parent"),
            products=company.products.select_related("category").prefetch_related(
                Prefetch("figures", queryset=ProductFigure.objects.order_by("figure"))
            ),
            certificates=company.certificates.all(),
            join_requests=company.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user"),
            members=company.users.order_by("username"),
            today=timezone.localdate(),
            extra_sections=sections.my_sections(self.request, company),
        )
        return context


class CompanyProfileEditView(CompanyRequiredMixin, FormView):
    """Edit the company's profile; the size class follows from the employees and revenue given."""

    template_name = "registry/my_profile.html"
    form_class = CompanyProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.company}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "company": self.company}

    def form_valid(self, form):
        try:
            company = company_update(
                company=self.company,
                by=self.request.user,
                data=form.profile_data(),
                categories=form.cleaned_data["categories"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The profile is saved. Size class: %(size)s.") % {"size": company.get_size_class_display()},
        )
        return redirect("registry:my_home")


class _ProductFormView(FormView):
    """The product form, saved through product_save; what it refuses comes back beside the fields."""

    template_name = "registry/product_form.html"
    form_class = ProductForm
    object = None  # the product being edited; None when adding one

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "product": self.object, "company": self.company}

    def form_valid(self, form):
        try:
            product = product_save(
                by=self.request.user,
                company=self.company,
                data=form.product_data(),
                figures=form.figures,
                product=self.object,
            )
        except ValidationError as error:
            apply_service_errors(form, error, figure_field_map())
            return self.form_invalid(form)
        text = _("“%(product)s” is saved.") % {"product": product.name}
        if product.meets_target:
            text += " " + _("It meets the city’s target for its category.")
        messages.success(self.request, text)
        if form.ignored_figures:
            messages.info(
                self.request,
                _("Not kept, because %(category)s products do not report them: %(figures)s.")
                % {"category": product.category.display_name, "figures": ", ".join(form.ignored_figures)},
            )
        return redirect(reverse("registry:my_home") + "#products")


class ProductCreateView(CompanyRequiredMixin, _ProductFormView):
    """Add a product with the figures its category uses."""


class ProductUpdateView(CompanyObjectMixin, _ProductFormView):
    """Edit one of the company's products and its figures."""

    model = Product


class _DeleteView(CompanyObjectMixin, TemplateView):
    """Asks for confirmation on GET; deletes on POST through the service."""

    service = None
    noun = ""
    anchor = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object}

    def post(self, request, *args, **kwargs):
        name = str(self.object)
        try:
            self.service(by=request.user, **{self.noun: self.object})
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
        return redirect(reverse("registry:my_home") + self.anchor)


class ProductDeleteView(_DeleteView):
    """Delete one of the company's products, after confirmation."""

    model = Product
    template_name = "registry/product_confirm_delete.html"
    service = staticmethod(product_delete)
    noun = "product"
    anchor = "#products"


class _CertificateFormView(FormView):
    """The certificate form with its upload, saved through certificate_save."""

    template_name = "registry/certificate_form.html"
    form_class = CertificateForm
    object = None  # the certificate being edited; None when adding one

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.object, "company": self.company}

    def form_valid(self, form):
        try:
            certificate = certificate_save(
                by=self.request.user,
                company=self.company,
                data=form.certificate_data(),
                document=form.cleaned_data.get("document"),
                certificate=self.object,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The certificate “%(name)s” is saved.") % {"name": certificate})
        return redirect(reverse("registry:my_home") + "#certificates")


class CertificateCreateView(CompanyRequiredMixin, _CertificateFormView):
    """Add a certificate with its scanned document."""


class CertificateUpdateView(CompanyObjectMixin, _CertificateFormView):
    """Edit one of the company's certificates, optionally replacing its document."""

    model = Certificate


class CertificateDeleteView(_DeleteView):
    """Delete one of the company's certificates and its document, after confirmation."""

    model = Certificate
    template_name = "registry/certificate_confirm_delete.html"
    service = staticmethod(certificate_delete)
    noun = "certificate"
    anchor = "#certificates"


class JoinRequestDecideView(LoginRequiredMixin, View):
    """Approve or decline a request to join the company (its users), or any request (officials)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        user = request.user
        requests = JoinRequest.objects.select_related("user", "company")
        if not is_official(user):
            requests = requests.filter(company_id=user.company_id)
        join_request = get_object_or_404(requests, pk=pk)
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            messages.error(request, _("Choose to approve or to decline the request."))
            return redirect(self._next())
        try:
            join_request_decide(join_request=join_request, by=user, approve=decision == "approve")
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
            return redirect(self._next())
        name = join_request.user.get_full_name() or join_request.user.get_username()
        if decision == "approve":
            text = _("%(name)s now belongs to %(company)s.")
        else:
            text = _("The request of %(name)s to join %(company)s is declined.")
        messages.success(request, text % {"name": name, "company": join_request.company.name})
        return redirect(self._next())

    def _next(self) -> str:
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        if self.request.user.company_id:
            return reverse("registry:my_home") + "#join-requests"
        return reverse("admin:index")


class CertificateDocumentView(LoginRequiredMixin, View):
    """The scanned certificate, only to the company that holds it and to officials; a 404 to anyone else."""

    def get(self, request, pk):
        certificate = get_object_or_404(Certificate.objects.select_related("company"), pk=pk)
        if not certificate.document or not can_view_certificate_document(request.user, certificate):
            raise Http404
        extension = Path(certificate.document.name).suffix.lower()
        try:
            handle = certificate.document.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        filename = f"{slugify(certificate.get_cert_type_display()) or 'certificate'}-{slugify(certificate.number)}"
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
            as_attachment=False,
            filename=f"{filename}{extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        # A private document: no shared cache may keep a copy.
        response["Cache-Control"] = "private, no-store"
        return response
