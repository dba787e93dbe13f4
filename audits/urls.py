from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("audits/", views.history, name="history"),
    path("audits/progress/", views.progress, name="progress"),
    path("audits/export.json", views.export_json, name="export_json"),
    path("audits/export.csv", views.export_csv, name="export_csv"),
    path("audits/new/", views.new_audit, name="new"),
    path("audits/how-scoring-works/", views.rule, name="rule"),
    path("audits/<uuid:public_id>/", views.audit, name="audit"),
    path("audits/<uuid:public_id>/track/", views.change_track, name="change_track"),
    path("audits/<uuid:public_id>/complete/", views.complete, name="complete"),
    path("audits/<uuid:public_id>/results/", views.results, name="results"),
    path("audits/<uuid:public_id>/copy/", views.copy, name="copy"),
    path("audits/<uuid:public_id>/delete/", views.delete_audit, name="delete"),
]
