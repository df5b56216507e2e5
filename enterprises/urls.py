from django.urls import path

from . import accounts, views, views_io, views_sets

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/chemical-sites/new/", views.chemical_site_add, name="chemical_site_add"),
    path("<int:pk>/chemical-sites/<int:site_pk>/delete/", views.chemical_site_delete, name="chemical_site_delete"),
    path("overview/", views.overview, name="overview"),
    path("changes/", views.change_report_page, name="changes"),
    path("import/", views_io.roster_import, name="import"),
    path("import/template/", views_io.import_template, name="import_template"),
    path("import/<int:job_pk>/errors.xlsx", views_io.import_errors, name="import_errors"),
    path("export/", views_io.roster_export, name="export"),
    path("sets/", views_sets.roster_set_list, name="sets"),
    path("sets/new/", views_sets.roster_set_edit, name="set_create"),
    path("sets/<int:pk>/edit/", views_sets.roster_set_edit, name="set_edit"),
]

# Enterprise accounts: the administrator's binding pages.
urlpatterns += [
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/enterprise-suggest/", accounts.account_enterprise_suggest, name="account_enterprise_suggest"),
    path("accounts/bulk/", accounts.accounts_bulk, name="accounts_bulk"),
]
