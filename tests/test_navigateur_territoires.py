"""Dans un vrai navigateur (sans internet) : les pages d'un territoire décrit par ses communes.

Pour le plan de Gevrey-Nuits et pour le Contrat de ville de Dijon Métropole, chaque page s'ouvre sans
avis « pas encore » ni « ne concerne que Dijon » ; la carte et le contexte social dessinent toutes les
communes du territoire ; l'accueil et le contexte social montrent le niveau de vie médian de
l'intercommunalité avec son année et sa source. Les valeurs attendues sont lues dans les données
dérivées livrées (jamais écrites ici).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from ctg_data import format as fmt
from ctg_data.territoire import charger_territoires, donnees_sociales, fichier_pack
from tests.conftest import DONNEES

pytestmark = pytest.mark.navigateur

PLANS = {"ctg-gevrey-nuits-2023-2026": "gevrey-nuits", "contrat-de-ville-dijon-metropole-2019-2022": "dijon-metropole"}
PAGES = ["", "carte", "contexte", "portrait", "plan", "recapitulatif", "acteurs", "seminaire", "donnees", "comparer"]
AVIS = ["n'a pas encore la carte", "ne concerne que", "ne sont pas encore dans le tableau de bord", "Pas encore dans ce diaporama"]
TERRITOIRES, _ = charger_territoires()


def attendre_fin(page) -> None:
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def mediane_epci(id_territoire: str) -> tuple[str, int]:
    """(valeur affichée, année) du dernier niveau de vie médian publié de l'intercommunalité."""
    t = TERRITOIRES[id_territoire]
    social, _ = donnees_sociales(t)
    lignes = social[(social["type_zone"] == "EPCI") & (social["code_zone"] == t.code)
                    & (social["indicateur"] == "niveau_vie_median") & social["valeur"].notna()]
    derniere = lignes.sort_values("annee").iloc[-1]
    return fmt.nombre(derniere["valeur"]), int(derniere["annee"])


def nombre_de_communes(id_territoire: str) -> int:
    chemin = DONNEES / fichier_pack(TERRITOIRES[id_territoire], "communes.geojson")
    return len(json.loads(chemin.read_text("utf-8"))["features"])


def espaces(texte: str) -> str:
    """Toutes les espaces (insécables, fines…) écrites comme une espace simple."""
    return re.sub(r"\s+", " ", texte)


def texte_principal(page) -> str:
    return espaces(page.get_by_test_id("stMain").inner_text())


@pytest.mark.parametrize("plan", list(PLANS))
@pytest.mark.parametrize("chemin", PAGES)
def test_chaque_page_sans_avis_pas_encore(page, serveur_app, plan, chemin):
    page.goto(f"{serveur_app}/{chemin}?plan={plan}")
    attendre_fin(page)
    texte = texte_principal(page)
    for avis in AVIS:
        assert avis not in texte, (chemin, avis)
    assert page.get_by_test_id("stException").count() == 0
    assert not page.dialogues


@pytest.mark.parametrize("plan", list(PLANS))
@pytest.mark.parametrize("chemin", ["carte", "contexte"])
def test_la_carte_dessine_toutes_les_communes(page, serveur_app, plan, chemin):
    n = nombre_de_communes(PLANS[plan])
    page.goto(f"{serveur_app}/{chemin}?plan={plan}")
    attendre_fin(page)
    cadre = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    cadre.locator("path.leaflet-interactive").nth(n - 1).wait_for(timeout=60_000)
    assert cadre.locator("path.leaflet-interactive").count() >= n


@pytest.mark.parametrize("plan", list(PLANS))
@pytest.mark.parametrize("chemin", ["", "contexte"])
def test_chiffres_de_l_epci_avec_annee_et_source(page, serveur_app, plan, chemin):
    valeur, annee = mediane_epci(PLANS[plan])
    page.goto(f"{serveur_app}/{chemin}?plan={plan}")
    attendre_fin(page)
    expect(page.get_by_test_id("stMain")).to_contain_text(valeur, timeout=60_000)
    texte = texte_principal(page)
    assert espaces(valeur) in texte
    assert str(annee) in texte and "INSEE" in texte and "Filosofi" in texte


def test_portrait_d_une_commune(page, serveur_app):
    """Le portrait de Gevrey-Chambertin (21295) : son nom, une valeur avec son année."""
    social, _ = donnees_sociales(TERRITOIRES["gevrey-nuits"])
    lignes = social[(social["code_zone"] == "21295") & (social["indicateur"] == "niveau_vie_median")
                    & social["valeur"].notna()].sort_values("annee")
    derniere = lignes.iloc[-1]
    page.goto(f"{serveur_app}/portrait?plan=ctg-gevrey-nuits-2023-2026&commune=21295")
    attendre_fin(page)
    expect(page.get_by_role("heading", level=1).first).to_contain_text("Gevrey-Chambertin")
    # Les cartes de chiffres et le tableau arrivent après le titre : les attendre avant de lire le texte.
    expect(page.get_by_test_id("stMain")).to_contain_text(fmt.nombre(derniere["valeur"]), timeout=60_000)
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text(f"Gevrey-Chambertin, {int(derniere['annee'])}")
