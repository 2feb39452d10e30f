"""Dans un vrai navigateur : un éditeur dépose un fichier, voit l'aperçu (et comment le fichier a été
lu), confirme ; l'aperçu et son bouton disparaissent ; le même fichier déposé de nouveau ne propose
rien (valeurs « identiques »)."""

import re

import pytest
from playwright.sync_api import expect

from ctg_data.stockage import Stockage
from tests.conftest import serveur
from tests.test_navigateur_saisie import MOT_DE_PASSE, ouvrir_saisie

pytestmark = pytest.mark.navigateur

CONTENU = ("indicateur\tzone\tperiode\tvaleur\tcommentaire\tsource\n"
           "JE1-I1\tDijon\t2025\t12,5\t\tBilan PIJ\nJE1-I2\tDijon\t\t\t\t\n").encode("utf-16")


@pytest.fixture(scope="module")
def serveur_import(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("import")
    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    Stockage(url).creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    with serveur(dossier / "streamlit.log", CTG_DATABASE_URL=url) as adresse:
        yield adresse, url


def deposer(page, nom: str, contenu: bytes) -> None:
    page.locator("input[type=file]").set_input_files({"name": nom, "mimeType": "text/csv", "buffer": contenu})


def test_import_confirme_puis_apercu_disparait(page, serveur_import):
    adresse, url = serveur_import
    ouvrir_saisie(page, adresse)
    page.get_by_role("tab", name="Importer un fichier").click()
    deposer(page, "suivi.csv", CONTENU)
    expect(page.get_by_text(re.compile(r"lu comme CSV, séparateur tabulation, encodage UTF-16 \(avec BOM\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Non importée\(s\) \(ligne du modèle non remplie, 1\) : ligne\(s\) 3"))).to_be_visible()
    page.get_by_role("button", name="Confirmer l'import (1 valeur(s))").click()
    expect(page.get_by_text(re.compile(r"Import terminé : 1 valeur\(s\) enregistrée\(s\)"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Confirmer l'import"))).to_have_count(0)
    expect(page.get_by_text(re.compile(r"ligne\(s\) à importer"))).to_have_count(0)
    assert Stockage(url).valeurs_courantes("ctg-dijon-2024-2027").iloc[0]["valeur"] == 12.5
    deposer(page, "suivi.csv", CONTENU)
    expect(page.get_by_text(re.compile(r"Rien à enregistrer"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"0 nouvelle\(s\) valeur\(s\), 0 modification\(s\), 1 identique\(s\)"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Confirmer l'import"))).to_have_count(0)
    assert len(Stockage(url).historique("ctg-dijon-2024-2027")) == 1
