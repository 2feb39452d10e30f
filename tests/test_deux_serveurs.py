"""Deux serveurs de l'application sur une même base PostgreSQL : une valeur enregistrée par l'un est
affichée par l'autre dès sa prochaine exécution (pas de cache périmé)."""

import re
import pytest
from playwright.sync_api import expect

from ctg_data.stockage import Stockage
from tests.conftest import base_postgres_vide, serveur
from tests.test_navigateur import attendre_page
from tests.test_navigateur_saisie import MOT_DE_PASSE, choisir, ouvrir_saisie

pytestmark = [pytest.mark.navigateur, pytest.mark.postgres]


@pytest.fixture
def base_partagee(url_postgres):
    with base_postgres_vide(url_postgres, "ctg_deux") as url:
        Stockage(url).creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
        yield url


def statut_je1(page):
    page.get_by_text("Axe 3 — Jeunesse").click()
    return page.get_by_test_id("stMarkdown").locator("p").filter(has_text=re.compile(r"^JE1 — "))


def test_valeur_saisie_sur_un_serveur_visible_sur_l_autre(page, base_partagee, tmp_path):
    with serveur(tmp_path / "a.log", CTG_DATABASE_URL=base_partagee) as serveur_a, \
         serveur(tmp_path / "b.log", CTG_DATABASE_URL=base_partagee) as serveur_b:
        autre = page.context.new_page()
        autre.goto(f"{serveur_b}/plan")
        attendre_page(autre, "Plan d'actions — CTG Dijon 2024-2027")
        expect(statut_je1(autre)).to_contain_text("à renseigner")

        # Saisie sur le serveur A, par l'interface.
        ouvrir_saisie(page, serveur_a)
        choisir(page, "Indicateur", "JE1-I1", re.compile(r"^JE1-I1 — "))
        formulaire = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Enregistrer la valeur"))
        formulaire.get_by_role("textbox", name="Valeur").fill("7")
        formulaire.get_by_role("textbox", name="Source (obligatoire)").fill("Comptage")
        formulaire.get_by_role("button", name="Enregistrer la valeur").click()
        expect(page.get_by_text("Valeur enregistrée (version 1).")).to_be_visible()

        # Le serveur B, à sa prochaine exécution (rechargement), montre la nouvelle valeur.
        autre.reload()
        attendre_page(autre, "Plan d'actions — CTG Dijon 2024-2027")
        expect(statut_je1(autre)).to_contain_text("en cours")
