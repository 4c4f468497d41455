"""DRF permission classes for the registry API: thin wrappers over the predicates in registry.permissions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from registry import permissions as rules


class CompanyPermission(permissions.BasePermission):
    """Anyone reads the companies they can see; only a company's own users change its profile."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        allowed, reason = rules.can_edit_company(request.user, obj)
        if not allowed:
            self.message = reason
        return allowed


class ProductPermission(permissions.BasePermission):
    """Anyone reads the products of companies they can see; a company's own users add, change and delete them."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "action", None) == "create" and not request.user.company_id:
            # A product always belongs to the caller's own company; officials and users without one have none.
            self.message = _("Only a company's own users can add its products.")
            return False
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        allowed, reason = rules.can_edit_company(request.user, obj.company)
        if not allowed:
            self.message = reason
        return allowed
