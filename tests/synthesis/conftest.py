from __future__ import annotations

import pytest

from palabre.organizations.roles import Role

from ..factories import UserFactory, make_contribution, make_member

THEMES = {
    "velo": [
        "Des pistes cyclables sécurisées pour aller à l'école à vélo",
        "Plus de stationnement vélo près de la gare et des pistes cyclables continues",
        "Une piste cyclable sur l'avenue principale, les vélos sont en danger",
        "Relier les quartiers par des pistes cyclables protégées pour les vélos",
        "Des arceaux vélo devant les commerces et une piste cyclable vers le lycée",
        "Le vélo doit avoir sa place : pistes cyclables larges et éclairées",
    ],
    "arbres": [
        "Planter des arbres dans la cour de l'école pour avoir de l'ombre",
        "Plus d'arbres et d'ombre sur la place du marché en été",
        "Planter des arbres le long des rues pour rafraîchir la ville",
        "Des arbres fruitiers dans le parc et de l'ombre pour les bancs",
        "Végétaliser la place avec des arbres, il fait trop chaud l'été",
        "Remplacer le parking par un square planté d'arbres et d'ombre",
    ],
    "bruit": [
        "Le bruit des motos la nuit empêche de dormir, il faut des contrôles",
        "Trop de bruit de circulation la nuit sur le boulevard",
        "Limiter le bruit des scooters la nuit près des immeubles",
        "Des radars sonores contre le bruit des motos et des voitures la nuit",
        "Le bruit nocturne des véhicules est insupportable dans le centre",
        "Contrôler le bruit des deux-roues la nuit et le week-end",
    ],
}


@pytest.fixture
def analyst_a(org_a):
    return make_member(org_a, Role.ANALYST, email="analyste@ville-a.fr")


@pytest.fixture
def corpus_a(published_a):
    """18 ideas in three clear themes, each by its own author, repeated with small variations
    so the engine has enough text."""
    made = {}
    for theme, texts in THEMES.items():
        made[theme] = []
        for n, text in enumerate(texts * 2):
            author = UserFactory(email=f"{theme}{n}@exemple.fr", pseudonym=f"{theme}{n}")
            made[theme].append(
                make_contribution(published_a, body=f"{text} ({n})", title=text[:40], author=author)
            )
    return made


@pytest.fixture
def analyse(django_capture_on_commit_callbacks):
    """Start an analysis and run it (tasks run at once in tests, on commit)."""
    from palabre.synthesis import services

    def run(process, user, **settings):
        with django_capture_on_commit_callbacks(execute=True):
            started = services.run_start(process=process, user=user, **settings)
        started.refresh_from_db()
        return started

    return run
