"""Injection de script, dans un vrai navigateur : des textes piégés dans les libellés du plan, le nom
d'un acteur, un commentaire saisi et l'adresse s'affichent comme du texte ; aucun script ne s'exécute.
Une page d'écriture atteinte par son adresse sans connexion n'apparaît pas."""

import re
import shutil

import pytest
import yaml
from playwright.sync_api import expect

from ctg_data.stockage import Stockage
from tests.conftest import DONNEES, serveur
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur
PIEGE = '<img src=x onerror="alert(1)">'
MOT_DE_PASSE = "un mot de passe assez long"


@pytest.fixture(scope="module")
def serveur_piege(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("securite")
    donnees = dossier / "data"
    shutil.copytree(DONNEES, donnees)
    fichier = donnees / "plans" / "ctg-dijon-2024-2027" / "plan.yaml"
    plan = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    plan["fiches"][10]["titre"] = f"Fiche {PIEGE}"  # JE1
    plan["fiches"][10]["partenaires"] = [f"Acteur {PIEGE}"]
    fichier.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    stockage = Stockage(url)
    stockage.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    stockage.enregistrer_valeur(stockage.authentifier("agent1", MOT_DE_PASSE), "ctg-dijon-2024-2027", "JE1-I1",
                                "Dijon", "2025", valeur=3, commentaire=f"Commentaire {PIEGE}", source=f"Source {PIEGE}",
                                version_vue=0)
    with serveur(dossier / "streamlit.log", CTG_DATA_DIR=str(donnees), CTG_DATABASE_URL=url) as adresse:
        yield adresse


@pytest.mark.parametrize("chemin,titre,attendu", [
    ("plan", "Plan d'actions — CTG Dijon 2024-2027", "Fiche " + PIEGE),
    ("acteurs", "Cartographie des acteurs", None),
    ("seminaire", "Séminaire annuel de coordination", None),
])
def test_textes_pieges_affiches_comme_texte(page, serveur_piege, chemin, titre, attendu):
    page.goto(f"{serveur_piege}/{chemin}")
    attendre_page(page, titre)
    if chemin == "plan":
        page.get_by_text("Axe 3 — Jeunesse").click()
        expect(page.get_by_test_id("stMain").get_by_text(re.compile(re.escape(attendu))).first).to_be_visible()
    if chemin == "seminaire":
        # Les flèches du clavier sont prises en charge dès que le petit script de la page est chargé.
        page.wait_for_function("() => document.ctgClavier === true")
        for k in range(2, 6):  # jusqu'à la diapositive de l'axe Jeunesse (5e)
            page.keyboard.press("ArrowRight")
            expect(page.get_by_test_id("stMain").get_by_text(re.compile(rf"^{k} / \d+$"))).to_be_visible()
        expect(page.get_by_role("heading", name="Axe 3 — Jeunesse", level=1)).to_be_visible()
        expect(page.get_by_text(re.compile(re.escape(PIEGE))).first).to_be_visible()
    page.wait_for_timeout(500)
    assert page.dialogues == []
    assert page.locator("img[src='x']").count() == 0


def test_page_saisie_par_son_adresse_sans_connexion(page, serveur_piege):
    page.goto(f"{serveur_piege}/saisie?plan=<script>alert(2)</script>&quartier=<b>x</b>")
    page.get_by_role("heading", level=1).first.wait_for()
    assert page.get_by_role("heading", name="Saisie", level=1).count() == 0
    expect(page.get_by_text("Le quartier « <b>x</b> » indiqué dans l'adresse n'existe pas")).to_be_visible()
    assert page.dialogues == []
