"""Registry pages: the public directory and chain map, sign-up, and the company's own pages under /my/."""

from django.urls import path

from .views import account, directory, my, production_bases

app_name = "registry"

urlpatterns = [
    # The published directory (everyone)
    path("directory/", directory.DirectoryView.as_view(), name="directory"),
    path("directory/export.csv", directory.DirectoryExportView.as_view(file_format="csv"), name="directory_csv"),
    path("directory/export.xlsx", directory.DirectoryExportView.as_view(file_format="xlsx"), name="directory_xlsx"),
    path("directory/print/", directory.RecommendationDirectoryView.as_view(), name="directory_print"),
    path("directory/<int:pk>/", directory.CompanyDetailView.as_view(), name="company_detail"),
    path("chain/", directory.ChainMapView.as_view(), name="chain_map"),
    # Sign-up and joining a company
    path("accounts/signup/", account.SignupView.as_view(), name="signup"),
    # The company's own pages
    path("my/", my.MyHomeView.as_view(), name="my_home"),
    path("my/profile/", my.CompanyProfileEditView.as_view(), name="my_profile"),
    path("my/products/new/", my.ProductCreateView.as_view(), name="product_create"),
    path("my/products/<int:pk>/edit/", my.ProductUpdateView.as_view(), name="product_update"),
    path("my/products/<int:pk>/delete/", my.ProductDeleteView.as_view(), name="product_delete"),
    path("my/certificates/new/", my.CertificateCreateView.as_view(), name="certificate_create"),
    path("my/certificates/<int:pk>/edit/", my.CertificateUpdateView.as_view(), name="certificate_update"),
    path("my/certificates/<int:pk>/delete/", my.CertificateDeleteView.as_view(), name="certificate_delete"),
    path("my/join-requests/<int:pk>/decide/", my.JoinRequestDecideView.as_view(), name="join_request_decide"),
    path("certificates/<int:pk>/document/", my.CertificateDocumentView.as_view(), name="certificate_document"),
]

# A company's production bases and its industrial land requests
urlpatterns += production_bases.urlpatterns
