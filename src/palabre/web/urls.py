from django.urls import path

from . import (
    budget_views,
    idea_views,
    meeting_views,
    notification_views,
    opendata_views,
    opinion_views,
    pairwise_views,
    profile_views,
    questionnaire_views,
    synthesis_views,
    views,
)

urlpatterns = [
    path("", views.organization_home, name="organization_home"),
    path("demarches/", views.process_list, name="process_list"),
    path("demarches/<slug:slug>/", views.process_detail, name="process_detail"),
    path(
        "demarches/<slug:slug>/synthese/", synthesis_views.synthesis_public, name="synthesis_public"
    ),
    path(
        "demarches/<slug:slug>/synthese/pdf/", synthesis_views.synthesis_pdf, name="synthesis_pdf"
    ),
    path(
        "demarches/<slug:slug>/synthese/projet/",
        synthesis_views.synthesis_draft,
        name="synthesis_draft",
    ),
    path("donnees/", opendata_views.organization_datasets, name="opendata_list"),
    path("donnees/<slug:slug>/", opendata_views.dataset_detail, name="opendata_detail"),
    path(
        "donnees/<slug:slug>/<str:name>",
        opendata_views.dataset_download,
        name="opendata_file",
    ),
    path("demarches/<slug:slug>/decisions/", synthesis_views.decisions, name="decisions"),
    path("demarches/<slug:slug>/idees/nouvelle/", idea_views.idea_create, name="idea_create"),
    path("demarches/<slug:slug>/idees/<int:pk>/", idea_views.idea_detail, name="idea_detail"),
    path(
        "demarches/<slug:slug>/idees/<int:pk>/soutien/",
        idea_views.idea_support,
        name="idea_support",
    ),
    path("demarches/<slug:slug>/idees/<int:pk>/modifier/", idea_views.idea_edit, name="idea_edit"),
    path(
        "demarches/<slug:slug>/idees/<int:pk>/co-auteurs/",
        idea_views.idea_coauthors,
        name="idea_coauthors",
    ),
    path(
        "demarches/<slug:slug>/idees/<int:pk>/retirer/",
        idea_views.idea_withdraw,
        name="idea_withdraw",
    ),
    path(
        "demarches/<slug:slug>/contributions/<int:pk>/signaler/",
        idea_views.contribution_report,
        name="contribution_report",
    ),
    path(
        "demarches/<slug:slug>/idees/<int:pk>/commentaires/",
        idea_views.idea_comment,
        name="idea_comment",
    ),
    path(
        "demarches/<slug:slug>/questionnaire/",
        questionnaire_views.questionnaire_answer,
        name="questionnaire_answer",
    ),
    path(
        "demarches/<slug:slug>/resultats/",
        questionnaire_views.questionnaire_results_page,
        name="questionnaire_results",
    ),
    path(
        "demarches/<slug:slug>/formulaire-papier.pdf",
        questionnaire_views.paper_form,
        name="paper_form",
    ),
    path(
        "demarches/<slug:slug>/reunions/<int:pk>/",
        meeting_views.meeting_detail,
        name="meeting_detail",
    ),
    path(
        "demarches/<slug:slug>/reunions/<int:pk>/inscription/",
        meeting_views.meeting_registration,
        name="meeting_registration",
    ),
    path(
        "demarches/<slug:slug>/commentaires/",
        idea_views.process_comment,
        name="process_comment",
    ),
    path("demarches/<slug:slug>/suivre/", notification_views.follow, name="process_follow"),
    path(
        "demarches/<slug:slug>/idees/<int:pk>/suivre/",
        notification_views.follow,
        name="idea_follow",
    ),
    path("demarches/<slug:slug>/projets/", budget_views.budget_projects, name="budget_projects"),
    path(
        "demarches/<slug:slug>/projets/<int:pk>/",
        budget_views.budget_project,
        name="budget_project",
    ),
    path("demarches/<slug:slug>/vote/", budget_views.budget_vote, name="budget_vote"),
    path(
        "demarches/<slug:slug>/vote/<int:envelope_id>/",
        budget_views.budget_ballot,
        name="budget_ballot",
    ),
    path(
        "demarches/<slug:slug>/budget/resultats/",
        budget_views.budget_results,
        name="budget_results",
    ),
    path(
        "demarches/<slug:slug>/budget/resultats.csv",
        budget_views.budget_results_csv,
        name="budget_results_csv",
    ),
    path(
        "demarches/<slug:slug>/budget/enveloppes/<int:envelope_id>.pb",
        budget_views.budget_export,
        name="budget_export",
    ),
    path(
        "demarches/<slug:slug>/budget/enveloppes/<int:envelope_id>-bulletins.csv",
        budget_views.budget_ballots_csv,
        name="budget_ballots_csv",
    ),
    path("demarches/<slug:slug>/avis/", opinion_views.opinion_vote, name="opinion_vote"),
    path(
        "demarches/<slug:slug>/avis/proposer/",
        opinion_views.opinion_propose,
        name="opinion_propose",
    ),
    path("demarches/<slug:slug>/carte/", opinion_views.opinion_results, name="opinion_results"),
    path(
        "demarches/<slug:slug>/carte/polis.zip",
        opinion_views.opinion_export,
        name="opinion_export",
    ),
    path("demarches/<slug:slug>/comparer/", pairwise_views.compare, name="compare"),
    path(
        "demarches/<slug:slug>/comparer/ajouter/",
        pairwise_views.compare_add_idea,
        name="compare_add_idea",
    ),
    path("demarches/<slug:slug>/classement/", pairwise_views.ranking, name="ranking"),
    path(
        "demarches/<slug:slug>/classement.<str:fmt>",
        pairwise_views.ranking_export,
        name="ranking_export",
    ),
    path("qui-participe/", profile_views.profile, name="participant_profile"),
    path("demarches/<slug:slug>/votre-avis/", profile_views.feedback, name="process_feedback"),
    path("pages/<slug:kind>/", views.legal_page, name="legal_page"),
]
