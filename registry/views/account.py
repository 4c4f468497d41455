"""Sign-up: a company and its first user in one flow, or a request to join a registered company."""

from django.views.generic import TemplateView


class SignupView(TemplateView):
    template_name = "home.html"
