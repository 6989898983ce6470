from django.urls import path

from . import (
    budget_views,
    entry_views,
    evaluation_views,
    opinion_views,
    questionnaire_views,
    synthesis_views,
    views,
)

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("demarches/nouvelle/", views.process_create, name="process_create"),
    path("demarches/<slug:slug>/", views.process_edit, name="process_edit"),
    path("demarches/<slug:slug>/statut/", views.process_status, name="process_status"),
    path("demarches/<slug:slug>/phases/nouvelle/", views.phase_edit, name="phase_add"),
    path("demarches/<slug:slug>/phases/<int:phase_id>/", views.phase_edit, name="phase_edit"),
    path(
        "demarches/<slug:slug>/phases/<int:phase_id>/supprimer/",
        views.phase_delete,
        name="phase_delete",
    ),
    path("demarches/<slug:slug>/corpus/", views.corpus_export, name="corpus_export"),
    path(
        "demarches/<slug:slug>/evaluation/",
        evaluation_views.process_evaluation,
        name="process_evaluation",
    ),
    path(
        "demarches/<slug:slug>/evaluation/fiche/",
        evaluation_views.process_sheet,
        name="process_sheet",
    ),
    path(
        "demarches/<slug:slug>/evaluation/rapport/",
        evaluation_views.process_report,
        name="process_report",
    ),
    path(
        "demarches/<slug:slug>/representativite/",
        evaluation_views.process_representativeness,
        name="process_representativeness",
    ),
    path(
        "demarches/<slug:slug>/questionnaire/",
        questionnaire_views.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "demarches/<slug:slug>/questionnaire/questions/<int:pk>/",
        questionnaire_views.question_edit,
        name="question_edit",
    ),
    path(
        "demarches/<slug:slug>/questionnaire/questions/<int:pk>/changer/",
        questionnaire_views.question_change,
        name="question_change",
    ),
    path(
        "demarches/<slug:slug>/questionnaire/saisie/",
        questionnaire_views.response_entry,
        name="response_entry",
    ),
    path("demarches/<slug:slug>/reunions/", entry_views.meetings, name="meetings"),
    path("demarches/<slug:slug>/reunions/nouvelle/", entry_views.meeting_edit, name="meeting_add"),
    path("demarches/<slug:slug>/reunions/<int:pk>/", entry_views.meeting_edit, name="meeting_edit"),
    path("demarches/<slug:slug>/saisie/", entry_views.bulk_entry, name="bulk_entry"),
    path("demarches/<slug:slug>/budget/", budget_views.budget_setup, name="budget_setup"),
    path("demarches/<slug:slug>/budget/codes/", budget_views.budget_codes, name="budget_codes"),
    path(
        "demarches/<slug:slug>/budget/projets/",
        budget_views.budget_projects,
        name="budget_projects",
    ),
    path(
        "demarches/<slug:slug>/budget/projets/<int:pk>/",
        budget_views.budget_project,
        name="budget_project",
    ),
    path(
        "demarches/<slug:slug>/budget/enveloppes/<int:envelope_id>/bulletins/",
        budget_views.budget_ballot_entry,
        name="budget_ballot_entry",
    ),
    path("demarches/<slug:slug>/analyse/", synthesis_views.runs, name="synthesis_runs"),
    path(
        "demarches/<slug:slug>/analyse/<int:run_id>/",
        synthesis_views.run_detail,
        name="synthesis_run",
    ),
    path(
        "demarches/<slug:slug>/synthese/espace/",
        synthesis_views.workspace,
        name="synthesis_workspace",
    ),
    path(
        "demarches/<slug:slug>/synthese/espace/journal/<int:pk>/annuler/",
        synthesis_views.edit_undo,
        name="synthesis_undo",
    ),
    path(
        "demarches/<slug:slug>/synthese/espace/themes/<int:pk>/",
        synthesis_views.topic_detail,
        name="synthesis_topic",
    ),
    path(
        "demarches/<slug:slug>/synthese/espace/contributions/",
        synthesis_views.topic_detail,
        {"everything": True},
        name="synthesis_contributions",
    ),
    path(
        "demarches/<slug:slug>/synthese/espace/non-classees/",
        synthesis_views.topic_detail,
        name="synthesis_unclassified",
    ),
    path(
        "demarches/<slug:slug>/synthese/redaction/", synthesis_views.write, name="synthesis_write"
    ),
    path(
        "demarches/<slug:slug>/donnees-ouvertes/",
        synthesis_views.opendata_publish,
        name="opendata_publish",
    ),
    path(
        "demarches/<slug:slug>/synthese/double-codage/",
        synthesis_views.double_coding,
        name="double_coding",
    ),
    path(
        "demarches/<slug:slug>/synthese/double-codage/<int:pk>/",
        synthesis_views.coding_sample,
        name="coding_sample",
    ),
    path("demarches/<slug:slug>/reponses/", synthesis_views.answers, name="synthesis_answers"),
    path("demarches/<slug:slug>/carte/", opinion_views.opinion_map_edit, name="opinion_map"),
    path("grille-de-codage/", synthesis_views.codebook, name="codebook"),
    path("chiffres/", evaluation_views.organization_evaluation, name="organization_evaluation"),
    path("mediation/", entry_views.mediation, name="mediation"),
    path("mediation/terminer/", entry_views.mediation_end, name="mediation_end"),
    path("mediation/demarches/<slug:slug>/", entry_views.assisted_idea, name="assisted_idea"),
    path("pages/", views.legal_pages, name="legal_pages"),
    path("pages/<slug:kind>/", views.legal_page_edit, name="legal_page_edit"),
    path("collectivite/", views.organization_settings, name="organization_settings"),
    path("collectivite/journal/", views.audit_log, name="audit_log"),
    path(
        "collectivite/quartiers/<int:pk>/supprimer/",
        views.neighbourhood_delete,
        name="neighbourhood_delete",
    ),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderation_act, name="moderation_act"),
    path("membres/", views.members, name="members"),
    path("membres/<int:pk>/retirer/", views.member_revoke, name="member_revoke"),
]
