"""Forms of the registry's own pages: sign-up, the company profile, products and certificates.

Forms check what a person typed and put it in the shape the services take; the services
(registry/services.py) decide and write. What a service refuses is put back beside the field it
names by `apply_service_errors`, so every message appears where the person typed.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .bounds import bound_numbers
from .figures import FIGURES, figures_for_category
from .identifiers import validate_uscc
from .models import Category, Certificate, Company, District, Product, User
from .services import COMPANY_PROFILE_FIELDS, district_for_uscc, validate_figures
from .uploads import ACCEPTED_EXTENSIONS, CONTENT_TYPES, validate_document_upload

FIGURE_PREFIX = "figure_"
# What the browser's file picker offers: the same formats registry.uploads accepts.
DOCUMENT_ACCEPT = ",".join([*ACCEPTED_EXTENSIONS, *sorted(set(CONTENT_TYPES.values()))])


def apply_service_errors(form, error: ValidationError, field_map: dict | None = None) -> None:
    """Put the errors a service raised beside the fields they name; the rest go to the top of the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def _strip_separators(value):
    # People type "12,000,000" or "¥ 12 000 000": the separators carry no meaning, so drop them.
    if isinstance(value, str):
        for mark in (",", "，", " ", "\u00a0", "¥", "￥"):
            value = value.replace(mark, "")
    return value


class WholeNumberField(forms.IntegerField):
    """An integer typed in a text box (GOV.UK advises against type=number), thousands separators allowed."""

    def to_python(self, value):
        return super().to_python(_strip_separators(value))


class AmountField(forms.DecimalField):
    """An amount typed in a text box (CNY, or a capacity), thousands separators and the ¥ sign allowed."""

    def to_python(self, value):
        return super().to_python(_strip_separators(value))


def say_what_is_missing(form, messages: dict) -> None:
    """Replace Django's "This field is required." by a sentence saying what to enter (GOV.UK pattern)."""
    for name, message in messages.items():
        if name in form.fields:
            form.fields[name].error_messages["required"] = message


def _text(autocomplete=None, inputmode=None, css=None, **attrs):
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if inputmode:
        attrs["inputmode"] = inputmode
    if css:
        attrs["class"] = css
    return forms.TextInput(attrs=attrs)


class DistrictSelect(forms.Select):
    """A district list whose options carry their division code, so the page can pre-select from the USCC."""

    codes: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        code = self.codes.get(str(getattr(value, "value", value)))
        if code:
            option["attrs"]["data-division"] = code
        return option


COMPANY_WIDGETS = {
    "name": _text("organization"),
    "name_en": _text("off", lang="en"),
    "address": _text("street-address"),
    "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    "contact_name": _text("name"),
    "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
    "employees": _text("off", "numeric", "input-short"),
    "revenue_cny": _text("off", "decimal", "input-medium"),
    "description": forms.Textarea(attrs={"rows": 5}),
    "district": DistrictSelect,
    "categories": forms.CheckboxSelectMultiple,
}
COMPANY_FIELD_CLASSES = {"employees": WholeNumberField, "revenue_cny": AmountField}


def company_formfield(model_field, **kwargs):
    """Model fields to form fields, with web addresses typed without a scheme read as https."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)
COMPANY_HELP_TEXTS = {
    "district": _(
        "Pre-selected from characters 3 to 8 of the USCC (the division code) when that is one of the city’s "
        "districts. Change it if the company is based elsewhere; left empty, the code’s district is used."
    ),
    "revenue_cny": _("Operating revenue of the last financial year, in yuan (CNY), for example 25,000,000."),
    "employees": _("Average number of employees last year. With the revenue it decides the size class."),
    "categories": _("Tick every part of the supply chain the company supplies."),
    "name_en": _("Optional. Shown to visitors who read the English pages."),
}


COMPANY_REQUIRED_MESSAGES = {
    "name": _("Enter the registered name, as on the business licence."),
    "organisation_type": _("Choose the type of organisation."),
    "employees": _("Enter the number of employees."),
    "revenue_cny": _("Enter the annual revenue in CNY (0 if there was none)."),
}


class CompanyFieldsMixin:
    """Shared by sign-up and profile editing: how the company's fields look and the category checkboxes."""

    def _prepare_company_fields(self):
        bound_numbers(self.fields, amounts=("revenue_cny",))
        if "district" in self.fields:
            districts = list(District.objects.all())
            self.fields["district"].widget.codes = {str(d.pk): d.code for d in districts}
            self.fields["district"].empty_label = _("Choose a district")
        if "categories" in self.fields:
            self.fields["categories"].queryset = Category.objects.select_related("parent")
            self.fields["categories"].required = False

    def category_groups(self) -> list[dict]:
        """The taxonomy as checkbox groups: each parent with its children; parents without children last."""
        field = self["categories"]
        chosen = {str(v) for v in (field.value() or [])}
        categories = list(Category.objects.all())
        children: dict = {}
        for category in categories:
            children.setdefault(category.parent_id, []).append(category)

        def option(category):
            return {
                "value": category.pk,
                "label": category.display_name,
                "id": f"{field.auto_id}_{category.pk}",
                "checked": str(category.pk) in chosen,
            }

        groups, loose = [], []
        for root in children.get(None, []):
            if children.get(root.pk):
                groups.append({"legend": root.display_name, "options": [option(c) for c in children[root.pk]]})
            else:
                loose.append(option(root))
        if loose:
            groups.append({"legend": _("Services and other"), "options": loose})
        return groups


class SignupForm(CompanyFieldsMixin, forms.ModelForm):
    """One page, two sections: the person's account and the company; or, for a registered USCC, a join request."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("What you will log in with: letters, digits and @ . + - _ only."),
        validators=[User.username_validator],
        widget=_text("username", spellcheck="false", autocapitalize="none"),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send password reset links here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password, not like your username."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        help_text=_("Type the same password, to be sure of it."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    uscc = forms.CharField(
        label=_("Unified Social Credit Code (USCC)"),
        max_length=30,
        help_text=_("18 characters, as printed on the business licence, for example 91320583MA1XXXXXXX."),
        widget=_text("off", css="input-medium", spellcheck="false", autocapitalize="characters"),
    )
    join_existing = forms.BooleanField(
        label=_("Ask to join this company"),
        required=False,
        help_text=_(
            "Your account is created without a company and the company’s users (or an official) are asked to "
            "add you. The company details below are then not needed."
        ),
    )
    join_message = forms.CharField(
        label=_("Message to the company’s users (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Say who you are and what you do at the company, so they recognise you."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    ACCOUNT_FIELDS = ("username", "email", "password1", "password2")
    JOIN_FIELDS = ("join_existing", "join_message")

    class Meta:
        model = Company
        fields = (
            "name", "name_en", "organisation_type", "district", "address", "website",
            "contact_name", "contact_phone", "contact_email", "employees", "revenue_cny", "categories",
            "description",
        )
        widgets = COMPANY_WIDGETS
        field_classes = COMPANY_FIELD_CLASSES
        formfield_callback = company_formfield
        help_texts = COMPANY_HELP_TEXTS

    field_order = [
        "username", "email", "password1", "password2", "uscc", "join_existing", "join_message", "name", "name_en",
        "organisation_type", "district", "address", "website", "contact_name", "contact_phone", "contact_email",
        "employees", "revenue_cny", "categories", "description",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.existing_company = None
        self.suggested_district = None
        self._prepare_company_fields()
        say_what_is_missing(self, {
            "username": _("Choose a username."),
            "email": _("Enter your email address."),
            "password1": _("Choose a password."),
            "password2": _("Type the password again."),
            "uscc": _("Enter the company’s Unified Social Credit Code."),
            **COMPANY_REQUIRED_MESSAGES,
        })
        if self.user is not None:
            # Signed in already (for instance after a declined join request): only the company part is asked.
            for name in self.ACCOUNT_FIELDS:
                del self.fields[name]
        self.joining = bool(
            self.is_bound
            and self.fields["join_existing"].widget.value_from_datadict(self.data, self.files, "join_existing")
        )
        if self.joining:
            for name in self.Meta.fields:
                self.fields[name].required = False
        if self.is_bound:
            self._suggest_district()

    def _suggest_district(self):
        try:
            code = validate_uscc(self.data.get("uscc", ""))
        except ValidationError:
            return
        self.suggested_district = district_for_uscc(code)
        if self.suggested_district and not self.data.get("district"):
            # Shown pre-selected when the page comes back (the person may still change it).
            self.data = self.data.copy()
            self.data["district"] = str(self.suggested_district.pk)

    @property
    def show_join(self) -> bool:
        return self.existing_company is not None or self.joining

    def clean_username(self):
        username = User.normalize_username(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("That username is taken; choose another."), code="unique")
        return username

    def clean_uscc(self):
        code = validate_uscc(self.cleaned_data["uscc"])
        self.existing_company = Company.objects.filter(uscc=code).first()
        return code

    def clean(self):
        cleaned = super().clean()
        if "password1" in self.fields:
            password1, password2 = cleaned.get("password1"), cleaned.get("password2")
            if password1 and password2 and password1 != password2:
                self.add_error("password2", _("The two passwords differ; type the same password twice."))
            if password1:
                candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
                try:
                    password_validation.validate_password(password1, candidate)
                except ValidationError as error:
                    self.add_error("password1", error)
        if self.existing_company is not None and not self.joining:
            self.add_error(
                "uscc",
                ValidationError(
                    _(
                        "A company with this USCC is already registered. If you work there, tick “Ask to join "
                        "this company” and send the form again."
                    ),
                    code="duplicate",
                ),
            )
        if self.joining and self.existing_company is None and "uscc" not in self.errors:
            self.add_error(
                "join_existing",
                _("No company with this USCC is registered yet: untick this box and fill in the company’s details."),
            )
        return cleaned

    def _post_clean(self):
        # A join request creates no company: the company fields are not checked against the model.
        if not self.joining:
            super()._post_clean()

    def user_data(self) -> dict:
        return {
            "username": self.cleaned_data["username"],
            "email": self.cleaned_data["email"],
            "password": self.cleaned_data["password1"],
        }

    def company_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "categories"}
        data["uscc"] = self.cleaned_data["uscc"]
        return data


class CompanyProfileForm(CompanyFieldsMixin, forms.ModelForm):
    """The company's profile as its users may edit it: not the USCC, status, anchor flag or locality."""

    class Meta:
        model = Company
        fields = (*COMPANY_PROFILE_FIELDS, "categories")
        widgets = COMPANY_WIDGETS
        field_classes = COMPANY_FIELD_CLASSES
        formfield_callback = company_formfield
        help_texts = {**COMPANY_HELP_TEXTS, "district": _("Where the company is based.")}

    field_order = [
        "name", "name_en", "organisation_type", "district", "address", "website", "contact_name", "contact_phone",
        "contact_email", "employees", "revenue_cny", "categories", "description",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_company_fields()
        say_what_is_missing(self, COMPANY_REQUIRED_MESSAGES)

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in COMPANY_PROFILE_FIELDS}


def category_choices() -> list:
    """The taxonomy for a single choice: a group per parent (the parent itself first, as “general”)."""
    categories = list(Category.objects.all())
    children: dict = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices, loose = [("", _("Choose a category"))], []
    for root in children.get(None, []):
        kids = children.get(root.pk, [])
        if kids:
            general = _("%(name)s (general)") % {"name": root.display_name}
            choices.append((root.display_name, [(root.pk, general)] + [(c.pk, c.display_name) for c in kids]))
        else:
            loose.append((root.pk, root.display_name))
    if loose:
        choices.append((_("Services and other"), loose))
    return choices


class ProductForm(forms.ModelForm):
    """A product with the performance figures of its category, each with its unit."""

    class Meta:
        model = Product
        fields = (
            "name", "category", "stage", "application", "annual_capacity", "capacity_unit", "made_in_city",
            "description",
        )
        widgets = {
            "name": _text("off"),
            "annual_capacity": _text("off", "decimal", "input-short"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "stage": forms.RadioSelect,
        }
        field_classes = {"annual_capacity": AmountField}
        help_texts = {
            "category": _("The part of the chain this product belongs to; it decides which figures are asked."),
            "annual_capacity": _("How much can be made in a year, in the unit chosen beside it."),
            "made_in_city": _("Tick if the product is made at a site inside the city."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        # The model's choices, without the "---------" row Django adds to a list with no default.
        self.fields["stage"].choices = Product.Stage.choices
        self.fields["capacity_unit"].choices = [("", _("Choose a unit")), *Product.CapacityUnit.choices]
        self.fields["capacity_unit"].help_text = _("Needed when a capacity is given.")
        say_what_is_missing(self, {
            "name": _("Enter the product’s name."),
            "category": _("Choose the product’s category."),
            "stage": _("Choose the production stage."),
        })
        self.ignored_figures: list[str] = []
        self.figures: dict = {}
        categories = list(Category.objects.select_related("parent"))
        # Which categories use each figure: the page shows only the chosen category's figures.
        self.figure_categories = {key: [] for key in FIGURES}
        for category in categories:
            for key in figures_for_category(category):
                self.figure_categories[key].append(category)
        current = self.instance.figure_values if self.instance.pk else {}
        for key, figure in FIGURES.items():
            users = self.figure_categories[key]
            names = [c.display_name for c in users if not (c.parent and c.parent in users)]
            self.fields[FIGURE_PREFIX + key] = forms.CharField(
                label=figure.label,
                required=False,
                max_length=40,
                # 15 significant digits: what a float holds, without the noise of repr (0.1 + 0.2).
                initial=format(current[key], ".15g") if key in current else None,
                help_text=_("Reported for: %(categories)s. Decimals or scientific notation such as 1.2e-2.")
                % {"categories": ", ".join(str(n) for n in names)},
                widget=_text("off", "decimal", "input-short", spellcheck="false"),
            )

    def figure_rows(self) -> list[dict]:
        """Each figure's field, unit and the ids of the categories that use it (for the page's script)."""
        return [
            {
                "field": self[FIGURE_PREFIX + key],
                "unit": figure.unit,
                "category_ids": " ".join(str(c.pk) for c in self.figure_categories[key]),
            }
            for key, figure in FIGURES.items()
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("annual_capacity") is not None and not cleaned.get("capacity_unit"):
            self.add_error("capacity_unit", _("Choose the unit the capacity is given in."))
        if cleaned.get("annual_capacity") is None and cleaned.get("capacity_unit"):
            cleaned["capacity_unit"] = ""
        category = cleaned.get("category")
        if category is None:
            return cleaned
        used = set(figures_for_category(category))
        typed = {key: cleaned.get(FIGURE_PREFIX + key) for key in FIGURES}
        # Figures of other categories (visible when the page runs without its script) are not this product's.
        self.ignored_figures = [str(FIGURES[key].label) for key, value in typed.items() if value and key not in used]
        self.figures = {key: value for key, value in typed.items() if value and key in used}
        try:
            validate_figures(category, self.figures)
        except ValidationError as error:
            apply_service_errors(self, error, figure_field_map())
        return cleaned

    def product_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def figure_field_map() -> dict:
    """Service error keys (figure names) to this form's field names."""
    return {key: FIGURE_PREFIX + key for key in FIGURES}


class DateField(forms.DateField):
    """A date picked in the browser's date input (ISO on the wire, localised on screen by the browser)."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "input-medium"})


class CertificateForm(forms.ModelForm):
    """A certificate and its scanned document (PDF, PNG or JPEG)."""

    document = forms.FileField(
        label=_("Scanned certificate"),
        required=False,
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    class Meta:
        model = Certificate
        fields = ("cert_type", "number", "issuer", "valid_from", "valid_until")
        field_classes = {"valid_from": DateField, "valid_until": DateField}
        widgets = {"number": _text("off", css="input-medium"), "issuer": _text("organization")}
        help_texts = {
            "number": _("As printed on the certificate."),
            "issuer": _("The certification body, for example China Quality Certification Centre."),
            "valid_until": _("On or after the start of validity."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        say_what_is_missing(self, {
            "cert_type": _("Choose the type of certificate."),
            "number": _("Enter the certificate number."),
            "issuer": _("Enter who issued the certificate."),
            "valid_from": _("Enter the date the certificate is valid from."),
            "valid_until": _("Enter the date the certificate is valid until."),
            "document": _("Choose the scanned certificate to upload."),
        })
        if self.instance.pk and self.instance.document:
            self.fields["document"].help_text = _(
                "A PDF, PNG or JPEG file of at most %(limit)s. Leave empty to keep the current document. "
                "If the page shows an error, choose the file again."
            ) % {"limit": limit}
        else:
            self.fields["document"].required = True
            self.fields["document"].help_text = _(
                "A PDF, PNG or JPEG file of at most %(limit)s. If the page shows an error, choose the file again."
            ) % {"limit": limit}

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            validate_document_upload(document)
        return document or None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity cannot be before its start."))
        return cleaned

    def certificate_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
