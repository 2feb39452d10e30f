"""Connexion par un fournisseur d'identité (st.login), contre un vrai fournisseur OpenID Connect.

Le test démarre sur la boucle locale le paquet npm ``oidc-provider`` (installé par
``python3 -m ctg_data.lanceur tests``, comme axe-core) et l'application, déclarée cliente du
fournisseur par un fichier de secrets temporaire (``STREAMLIT_SECRETS_FILES`` : aucun
``.streamlit/secrets.toml`` n'est écrit dans le projet). Dans Chromium : la personne se connecte chez
le fournisseur, revient éditrice (adresse autorisée par ``lanceur comptes oidc``), garde sa connexion
au rechargement de la page Saisie et enregistre une valeur ; une adresse non autorisée reste en
lecture seule. Le journal des connexions garde les deux.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import time

import pytest
from playwright.sync_api import expect

from ctg_data import lanceur
from ctg_data.stockage import Stockage
from tests.conftest import RACINE, hors_ligne, port_libre, serveur
from tests.test_navigateur import attendre_page
from tests.test_navigateur_saisie import choisir

pytestmark = pytest.mark.navigateur
SCRIPT = RACINE / "tests" / "oidc" / "fournisseur.mjs"
EDITRICE = "agente.oidc@dijon.fr"
PLAN = "ctg-dijon-2024-2027"


def demarrer_fournisseur(port: int, client_id: str, secret: str, redirection: str, journal) -> subprocess.Popen:
    processus = subprocess.Popen(
        ["node", str(SCRIPT), str(port), client_id, secret, redirection, str(lanceur.FOURNISSEUR_OIDC.parents[1])],
        stdout=subprocess.PIPE, stderr=journal, text=True, start_new_session=True,
    )
    ligne = processus.stdout.readline()  # « pret » quand il écoute (ou fin du flux s'il s'arrête)
    if ligne.strip() != "pret":
        processus.kill()
        pytest.fail(f"le fournisseur OIDC n'a pas démarré (code {processus.wait()}), voir {journal.name}")
    return processus


@pytest.fixture(scope="module")
def application_oidc(tmp_path_factory):
    if not lanceur.FOURNISSEUR_OIDC.exists() or shutil.which("node") is None:
        pytest.skip("oidc-provider (npm) ou node absent : lancez les tests par « python3 -m ctg_data.lanceur tests »")
    dossier = tmp_path_factory.mktemp("oidc")
    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    env = dict(os.environ, CTG_DATABASE_URL=url)
    # L'éditrice est autorisée par la commande d'administration du README.
    subprocess.run(["python3", "-m", "ctg_data.lanceur", "comptes", "oidc", EDITRICE.upper(), "--nom", "Agente OIDC"],
                   cwd=RACINE, env=env, check=True, capture_output=True)
    port_fournisseur = port_libre()
    client_id, secret = "tableau-de-bord-ctg", secrets.token_urlsafe(24)
    fichier_secrets = dossier / "secrets.toml"
    fichier_secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{client_id}"\n'
        f'client_secret = "{secret}"\n'
        f'server_metadata_url = "http://127.0.0.1:{port_fournisseur}/.well-known/openid-configuration"\n'
        # Streamlit demande « select_account » par défaut, qu'oidc-provider ne connaît pas ; PKCE en plus.
        'client_kwargs = { prompt = "login", code_challenge_method = "S256" }\n',
        encoding="utf-8",
    )
    with serveur(dossier / "streamlit.log", CTG_DATABASE_URL=url, STREAMLIT_SECRETS_FILES=str(fichier_secrets)) as adresse, \
            (dossier / "fournisseur.log").open("w") as journal:
        fournisseur = demarrer_fournisseur(port_fournisseur, client_id, secret, f"{adresse}/oauth2callback", journal)
        try:
            yield adresse, url
        finally:
            os.killpg(fournisseur.pid, signal.SIGTERM)
            fournisseur.wait(timeout=20)
    assert not (RACINE / ".streamlit" / "secrets.toml").exists()


def se_connecter_chez_le_fournisseur(page, adresse: str, courriel: str) -> None:
    page.goto(f"{adresse}/plan")
    attendre_page(page, "Plan d'actions — CTG Dijon 2024-2027")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Espace éditeur : se connecter").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))  # chez le fournisseur
    assert not page.url.startswith(adresse)
    page.locator("input[name=login]").fill(courriel)
    page.locator("input[name=password]").fill("mot de passe vu par le fournisseur seulement")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # consentement
    page.wait_for_url(re.compile(re.escape(adresse) + r"/"))
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def test_connexion_oidc_editrice_saisit_une_valeur(page, application_oidc):
    adresse, url = application_oidc
    se_connecter_chez_le_fournisseur(page, adresse, EDITRICE)
    barre = page.get_by_test_id("stSidebar")
    expect(barre.get_by_text("Agente OIDC")).to_be_visible()
    expect(barre.get_by_text("(éditeur)")).to_be_visible()

    # La connexion tient dans le cookie signé de Streamlit : recharger la page Saisie la garde.
    barre.get_by_role("link", name="Saisie").click()
    attendre_page(page, "Saisie")
    page.reload()
    attendre_page(page, "Saisie")
    assert page.get_by_text("Page not found").count() == 0

    choisir(page, "Indicateur", "JE1-I1", re.compile(r"^JE1-I1 — "))
    page.get_by_role("textbox", name="Période").first.fill("2025")
    page.get_by_role("textbox", name="Période").first.press("Enter")
    formulaire = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Enregistrer la valeur"))
    formulaire.get_by_role("textbox", name="Valeur").fill("17")
    formulaire.get_by_role("textbox", name="Source (obligatoire)").fill("Bilan du PIJ (OIDC)")
    formulaire.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.get_by_text("Valeur enregistrée (version 1).")).to_be_visible()

    magasin = Stockage(url)
    historique = magasin.historique(PLAN, "JE1-I1")
    assert list(historique["auteur"]) == [EDITRICE] and list(historique["valeur"]) == [17]
    journal = magasin.lire_journal_des_connexions()
    oidc = journal[journal["source"] == "oidc"]
    # Une ligne par session (la connexion, puis le rechargement), pas une par exécution de la page.
    assert list(oidc["identifiant"]) == [EDITRICE, EDITRICE]
    assert oidc["reussite"].all() and set(oidc["motif"]) == {"connexion par le fournisseur d'identité"}


def test_connexion_oidc_sans_droits_reste_en_lecture(navigateur, application_oidc):
    adresse, url = application_oidc
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        se_connecter_chez_le_fournisseur(page, adresse, "curieux@exemple.fr")
        barre = page.get_by_test_id("stSidebar")
        expect(barre.get_by_text("Votre compte n'a pas les droits d'éditeur : lecture seule.")).to_be_visible()
        assert barre.get_by_role("link", name="Saisie").count() == 0
        page.goto(f"{adresse}/saisie")
        expect(page.get_by_text("Votre compte n'a pas les droits d'éditeur", exact=False).first).to_be_visible()
        assert page.get_by_role("button", name="Enregistrer la valeur").count() == 0
        time.sleep(0.5)
        journal = Stockage(url).lire_journal_des_connexions()
        refus = journal[journal["identifiant"] == "curieux@exemple.fr"]
        assert not refus.empty and not refus["reussite"].any()
    finally:
        contexte.close()
