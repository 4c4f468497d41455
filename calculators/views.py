"""The policy calculators page: a form per formula, answered on the same page (GET, so a result can be linked)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from .catalogue import CALCULATORS
from .forms import calculator_form_class
from .programmes import current_programmes


class CalculatorsView(View):
    """Every calculator; the one named by `calculator` in the query is bound, checked and answered.

    Bad input is answered 400 with the error summary and the errors beside the fields, the typing kept.
    """

    template_name = "calculators/index.html"

    def get(self, request):
        chosen = request.GET.get("calculator", "")
        programmes = current_programmes()
        sections = []
        status = 200
        for calculator in CALCULATORS.values():
            programme = programmes.get(calculator.programme_kind) if calculator.programme_kind else None
            form_class = calculator_form_class(calculator)
            bound = chosen == calculator.name and not (calculator.programme_kind and programme is None)
            form = form_class(request.GET if bound else None, programme=programme)
            outcome = None
            if bound:
                if form.is_valid():
                    outcome = form.outcome
                else:
                    status = 400
            api_query = {k: v for k, v in request.GET.items() if k in calculator.parameter_names} if bound else {}
            sections.append({
                "calculator": calculator, "form": form, "outcome": outcome, "programme": programme,
                "unavailable": bool(calculator.programme_kind) and programme is None,
                "api_url": reverse(f"calculator-{calculator.name}") + (
                    "?" + urlencode(api_query or calculator.example) if (api_query or calculator.example) else ""),
            })
        return render(request, self.template_name, {"sections": sections, "chosen": chosen}, status=status)
