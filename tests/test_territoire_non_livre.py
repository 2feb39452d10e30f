"""Ajouter un territoire : on construit, dans un dossier temporaire, les données d'un EPCI de la Côte-d'Or
qui n'est pas livré (la CC de Saulieu), on fait pointer un plan vers lui, et on ouvre ses pages.

C'est la procédure du README (« Ajouter un territoire ») : une commande de construction, qui écrit les
données dérivées, leur catalogue et un fichier de territoire de départ ; puis un plan qui dit
``territoire: <id>``. Rien n'est écrit à la main dans le catalogue ni dans le code.

Le test lit le dossier de référence (../shared/reference) : il est sauté, avec ce motif, seulement là
où ce dossier est absent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from ctg_data import build_territoires as bt
from ctg_data import config
from ctg_data.catalogue import lire_catalogue
from ctg_data.territoire import charger_territoires, donnees_sociales, jeux_geo
from tests.conftest import DONNEES, ouvrir_page, serveur, textes_affiches

REFERENCE = config.dossier_reference()
pytestmark = pytest.mark.skipif(
    not (REFERENCE / bt.FICHIER_COMPOSITION).exists(),
    reason=f"dossier de référence absent ({REFERENCE}) : l'ajout d'un territoire n'est pas testé",
)

SIREN = "242101442"  # CC de Saulieu : un EPCI de la composition communale 2020, pas livré dans data/
ID = "saulieu"
PLAN = "ctg-saulieu-essai"
PAGES = ["accueil", "carte", "contexte", "portrait", "plan", "recapitulatif", "acteurs", "seminaire", "donnees"]
MOTS_INTERDITS = ["ne concerne que", "pas encore la carte", "en construction", "None"]


@pytest.fixture(scope="module")
def donnees_saulieu(tmp_path_factory) -> Path:
    """Une copie de data/ où l'on a ajouté la CC de Saulieu comme le dit le README."""
    dossier = tmp_path_factory.mktemp("ajout") / "data"
    shutil.copytree(DONNEES, dossier)
    assert not (dossier / "territoires" / f"{ID}.yaml").exists()
    lignes = []
    rapport = bt.construire_territoire(ID, SIREN, reference=REFERENCE,
                                       sortie=dossier / "territoires" / "donnees", progression=lignes.append)
    assert rapport.communes and lignes[-1].startswith("Terminé")
    # Le plan : une copie du plan de Gevrey-Nuits, pointée vers le nouveau territoire (un essai).
    source = yaml.safe_load((DONNEES / "plans" / "ctg-gevrey-nuits-2023-2026" / "plan.yaml").read_text("utf-8"))
    source.update(id=PLAN, territoire=ID, titre_court="CTG Saulieu (essai)")
    (dossier / "plans" / PLAN).mkdir()
    (dossier / "plans" / PLAN / "plan.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), "utf-8")
    return dossier


def test_la_construction_declare_le_territoire(donnees_saulieu):
    territoires, erreurs = charger_territoires(donnees_saulieu)
    assert not erreurs, [e.message() for e in erreurs]
    t = territoires[ID]
    assert (t.nature, t.code, t.donnees) == ("EPCI", SIREN, ID)
    assert "Saulieu" in t.nom
    catalogue = lire_catalogue(donnees_saulieu)
    ids_geo = jeux_geo(t, catalogue)
    for id_jeu in ids_geo:
        assert catalogue[id_jeu].licence and catalogue[id_jeu].document
    social, dico = donnees_sociales(t, donnees_saulieu)
    manifeste = json.loads((donnees_saulieu / "territoires" / "donnees" / ID / "manifeste.json").read_text("utf-8"))
    assert sorted(social.loc[social["type_zone"] == "commune", "code_zone"].unique()) == \
        sorted(manifeste["territoire"]["codes_communes"])
    # Rien n'a été écrit dans les données du dépôt.
    assert not (DONNEES / "territoires" / f"{ID}.yaml").exists()
    assert not (DONNEES / "territoires" / "donnees" / ID).exists()


@pytest.mark.parametrize("page", PAGES)
def test_chaque_page_du_territoire_ajoute_s_ouvre(donnees_saulieu, monkeypatch, page):
    monkeypatch.setenv("CTG_DATA_DIR", str(donnees_saulieu))
    at = ouvrir_page(page, plan=PLAN)
    texte = textes_affiches(at) + "\n".join(t.value for t in at.title)
    for mot in MOTS_INTERDITS:
        assert mot not in texte, (page, mot)
    assert not at.error, [e.value for e in at.error]
    if page in ("accueil", "carte", "contexte"):
        assert "Saulieu" in texte, page


def test_accueil_et_contexte_donnent_les_chiffres_de_l_epci_avec_annee_et_source(donnees_saulieu, monkeypatch):
    monkeypatch.setenv("CTG_DATA_DIR", str(donnees_saulieu))
    social, _ = donnees_sociales(charger_territoires(donnees_saulieu)[0][ID], donnees_saulieu)
    mediane = social[(social["type_zone"] == "EPCI") & (social["indicateur"] == "niveau_vie_median")
                     & social["valeur"].notna()].sort_values("annee").iloc[-1]
    attendu = f"{int(mediane['valeur']):,}".replace(",", "\u202f")
    for page in ("accueil", "contexte"):
        texte = textes_affiches(ouvrir_page(page, plan=PLAN)).replace("\u00a0", "\u202f")
        assert attendu in texte and str(int(mediane["annee"])) in texte and "INSEE" in texte, page


def test_dans_le_navigateur_la_carte_dessine_les_communes(donnees_saulieu, tmp_path, page):
    """Un serveur lancé sur les données où l'on a ajouté le territoire (sans internet) : la carte dessine
    ses communes et le contexte social montre ses chiffres."""
    n_communes = len(json.loads((donnees_saulieu / "territoires" / "donnees" / ID / "communes.geojson")
                                .read_text("utf-8"))["features"])
    with serveur(tmp_path / "streamlit.log", CTG_DATA_DIR=str(donnees_saulieu)) as url:
        page.goto(f"{url}/carte?plan={PLAN}")
        cadre = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
        cadre.locator("path.leaflet-interactive").nth(n_communes - 1).wait_for(timeout=60_000)
        assert cadre.locator("path.leaflet-interactive").count() >= n_communes
        texte = page.locator("[data-testid='stMain']").inner_text()
        assert "Saulieu" in texte and "ne concerne que" not in texte
        assert not page.dialogues
