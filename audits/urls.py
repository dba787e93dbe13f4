from django.urls import path

from audits import cohort_views, plan_views, sharing, views

app_name = "audits"

urlpatterns = [
    path("audits/", views.history, name="history"),
    path("audits/progress/", views.progress, name="progress"),
    path("audits/export.json", views.export_json, name="export_json"),
    path("audits/export.csv", views.export_csv, name="export_csv"),
    path("audits/new/", views.new_audit, name="new"),
    path("audits/how-scoring-works/", views.rule, name="rule"),
    path("audits/<uuid:public_id>/", views.rate, name="audit"),
    path("audits/<uuid:public_id>/results/", views.results, name="results"),
    path("audits/<uuid:public_id>/copy/", views.copy, name="copy"),
    path("audits/<uuid:public_id>/delete/", views.delete_audit, name="delete"),
    # The six-week plan and coming back to re-audit: audits/plan_views.py.
    path("audits/<uuid:public_id>/plan/", plan_views.plan_hours, name="plan_hours"),
    path("audits/<uuid:public_id>/steps/<int:step_id>/", plan_views.tick, name="tick"),
    path("audits/<uuid:public_id>/re-audit.ics", plan_views.reaudit_ics, name="reaudit_ics"),
    path("audits/<uuid:public_id>/again/", plan_views.again, name="again"),
    path("audits/<uuid:public_id>/reminder/", plan_views.reminder, name="reminder"),
    path("reminders/unsubscribe/<str:token>/", plan_views.unsubscribe, name="unsubscribe"),
    # Sharing and outside views: the owner's page and writes (one pair of views for both kinds
    # of link), then what tokens open.
    path("audits/<uuid:public_id>/share/", sharing.share, name="share"),
    path(
        "audits/<uuid:public_id>/share/links/",
        sharing.create_link,
        {"kind": "share"},
        name="share_create",
    ),
    path(
        "audits/<uuid:public_id>/share/links/<int:link_id>/revoke/",
        sharing.revoke_link,
        {"kind": "share"},
        name="share_revoke",
    ),
    path(
        "audits/<uuid:public_id>/share/requests/",
        sharing.create_link,
        {"kind": "rate_me"},
        name="rate_me_create",
    ),
    path(
        "audits/<uuid:public_id>/share/requests/<int:link_id>/withdraw/",
        sharing.revoke_link,
        {"kind": "rate_me"},
        name="rate_me_withdraw",
    ),
    path(
        "audits/<uuid:public_id>/outside/<int:view_id>/delete/",
        sharing.delete_outside_view,
        name="outside_delete",
    ),
    path("shared/<str:token>/", sharing.shared, name="shared"),
    # Cohorts: the organisers' pages, then the invitation and a member's own choices.
    path("cohorts/new/", cohort_views.cohort_new, name="cohort_new"),
    path("cohorts/<uuid:public_id>/", cohort_views.cohort, name="cohort"),
    path("cohorts/<uuid:public_id>/export.csv", cohort_views.cohort_export, name="cohort_export"),
    path("cohorts/<uuid:public_id>/invite/", cohort_views.cohort_invite, name="cohort_invite"),
    path(
        "cohorts/<uuid:public_id>/invite/revoke/",
        cohort_views.cohort_invite_revoke,
        name="cohort_invite_revoke",
    ),
    path(
        "cohorts/<uuid:public_id>/organisers/",
        cohort_views.cohort_organisers,
        name="cohort_organisers",
    ),
    path("cohorts/<uuid:public_id>/delete/", cohort_views.cohort_delete, name="cohort_delete"),
    path("cohorts/join/<str:token>/", cohort_views.cohort_join, name="cohort_join"),
    path(
        "cohorts/<uuid:public_id>/membership/",
        cohort_views.cohort_membership,
        name="cohort_membership",
    ),
    path("cohorts/<uuid:public_id>/leave/", cohort_views.cohort_leave, name="cohort_leave"),
    path("rate/thanks/", sharing.rate_me_thanks, name="rate_me_thanks"),
    path("rate/<str:token>/", sharing.rate_me, name="rate_me"),
]
