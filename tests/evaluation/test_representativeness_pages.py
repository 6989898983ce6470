from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.evaluation import services
from palabre.evaluation.models import Profile
from palabre.evaluation.selectors import representativeness
from palabre.organizations.models import Neighbourhood

from ..conftest import login
from ..factories import UserFactory, make_contribution

INSEE = (
    "CODGEO;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;P21_POP6074;P21_POP75P;"
    "P21_POPH;P21_POPF\n"
    "99001;1500;1800;2000;2100;1600;1000;4800;5200\n"
)


def test_answers_need_consent_and_are_deleted_with_the_account(org_a, citizen):
    from palabre.accounts.services import user_delete_account, user_export_data

    with pytest.raises(ValidationError):
        services.profile_save(organization=org_a, user=citizen, consent=False, sex="F")
    services.profile_save(organization=org_a, user=citizen, consent=True, sex="F")
    assert user_export_data(user=citizen)["demographic_answers"][0]["sex"] == "F"
    user_delete_account(user=citizen)
    assert not Profile.objects.exists()


def test_participants_page_saves_prefer_not_to_say(client, org_a, citizen):
    login(client, citizen)
    url = reverse("participant_profile", kwargs={"org": org_a.slug})
    page = client.get(url).content.decode()
    assert "Je préfère ne pas répondre" in page
    client.post(url, {"age_band": "30-44", "sex": "", "neighbourhood": "", "consent": "on"})
    profile = Profile.objects.get()
    assert profile.age_band == "30-44" and profile.sex == ""
    client.post(url, {"action": "delete"})
    assert not Profile.objects.exists()


def test_representativeness_against_an_insee_table_with_reweighting(
    client, org_a, agent_a, published_a, tmp_path
):
    women = [UserFactory() for _ in range(30)]
    men = [UserFactory() for _ in range(10)]
    for user in women + men:
        make_contribution(published_a, author=user)
        services.profile_save(
            organization=org_a,
            user=user,
            consent=True,
            sex="F" if user in women else "H",
            age_band="30-44",
        )
    url = reverse(
        "backoffice:process_representativeness",
        kwargs={"org": org_a.slug, "slug": published_a.slug},
    )
    login(client, agent_a)
    census = tmp_path / "base-cc-evol-struct-pop.csv"
    census.write_text(INSEE, encoding="utf-8")
    with census.open("rb") as handle:
        response = client.post(url, {"census": handle, "code": "99001"})
    assert response.status_code == 302
    result = representativeness(process=published_a)
    sexe = result["report"]["dimensions"]["sexe"]
    # participants 75 % women for 52 % in the population: D = |0.75 − 0.52| = 0.23
    assert sexe["index"] == pytest.approx(0.77)
    assert sexe["under_represented"] == [{"category": "H", "ratio": 0.521}]
    page = client.get(url).content.decode()
    assert "Indice de représentativité" in page and ("0.77" in page or "0,77" in page)


def test_bad_reference_shares_are_refused_with_a_clear_message(client, org_a, agent_a, published_a):
    url = reverse(
        "backoffice:process_representativeness",
        kwargs={"org": org_a.slug, "slug": published_a.slug},
    )
    login(client, agent_a)
    page = client.post(url, {"shares": "age;jeunes;40\nage;vieux;40"}).content.decode()
    assert "pas 100" in page
    page = client.post(url, {"shares": "n'importe quoi"}).content.decode()
    assert "Ligne 1" in page


def test_neighbourhood_populations_are_a_reference_too(org_a, published_a, citizen):
    north = Neighbourhood.objects.create(
        organization=org_a, name="Nord E", slug="nord-e", population=3000
    )
    Neighbourhood.objects.create(organization=org_a, name="Sud E", slug="sud-e", population=1000)
    make_contribution(published_a, author=citizen)
    services.profile_save(organization=org_a, user=citizen, consent=True, neighbourhood=north)
    result = representativeness(process=published_a)
    assert result["report"]["dimensions"]["quartier"]["answered"] == 1


def test_topic_shares_are_reweighted(
    client, org_a, agent_a, published_a, tmp_path, django_capture_on_commit_callbacks
):
    """30 women speak of trees, 10 men of noise: raw, trees win 75 %; reweighted to a town
    of 52 % women, about 52 %."""
    from palabre.evaluation.selectors import reweighted_topics
    from palabre.synthesis import services as synthesis

    women = [UserFactory() for _ in range(30)]
    men = [UserFactory() for _ in range(10)]
    from ..synthesis.conftest import THEMES

    for n, user in enumerate(women + men):
        texts = THEMES["arbres"] if user in women else THEMES["bruit"]
        make_contribution(published_a, author=user, body=f"{texts[n % 6]} ({n})")
        services.profile_save(
            organization=org_a,
            user=user,
            consent=True,
            sex="F" if user in women else "H",
            age_band="30-44",
        )
    services.reference_save(
        organization=org_a, source="test", margins={"sexe": {"F": 0.52, "H": 0.48}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        synthesis.run_start(process=published_a, user=agent_a, n_topics=2)
    result = representativeness(process=published_a)
    topics = reweighted_topics(process=published_a, representativeness=result)
    assert topics["speakers"] == 40
    from palabre.synthesis.models import Assignment
    from palabre.synthesis.selectors import topic_tree_ids

    for row in topics["rows"]:
        authors = set(
            Assignment.objects.filter(topic__in=topic_tree_ids(row["topic"])).values_list(
                "contribution__author", flat=True
            )
        )
        w = sum(1 for u in women if u.pk in authors)
        m = sum(1 for u in men if u.pk in authors)
        assert row["raw"] == pytest.approx((w + m) / 40, abs=0.001)
        # one dimension: raking is post-stratification, 52 % women and 48 % men
        assert row["weighted"] == pytest.approx(0.52 * w / 30 + 0.48 * m / 10, abs=0.01)
    assert any(row["raw"] != row["weighted"] for row in topics["rows"])
    login(client, agent_a)
    url = reverse(
        "backoffice:process_representativeness",
        kwargs={"org": org_a.slug, "slug": published_a.slug},
    )
    assert "Thèmes de la synthèse" in client.get(url).content.decode()
