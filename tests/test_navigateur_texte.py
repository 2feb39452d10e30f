"""Dans un vrai navigateur : ce que les gens tapent reste du texte, et aucune pile d'appels n'est montrée.

- Un lien Markdown dans l'adresse (``?quartier=``) et une image Markdown dans le motif d'un statut et
  dans une valeur saisie s'affichent tels quels ; aucun lien ni aucune image vers un autre site dans la
  page, et aucune requête ne part vers un autre hôte (le navigateur des tests bloque et note chacune).
- Une page qui échoue (erreur inattendue, provoquée ici pour le test) montre le message en français,
  sans « Traceback », sans type d'exception, sans le détail de l'erreur.
"""

import re
import shutil
import textwrap

import pytest
from playwright.sync_api import expect

from ctg_data.stockage import Stockage
from tests.conftest import DONNEES, est_locale, serveur
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur
PLAN = "ctg-dijon-2024-2027"
MOT_DE_PASSE = "un mot de passe assez long"
LIEN = "[Votre session a expiré : reconnectez-vous ici](http://piege.example/connexion)"
IMAGE = "![](http://piege.example/pixel.png)"
SECRET = "détail secret : SELECT empreinte FROM comptes"

# Chargé au démarrage de Python (PYTHONPATH) dans le seul serveur de ce module : quand la page
# « Cartographie des acteurs » importe ctg_data.acteurs, sa fonction par_acteur est remplacée par une
# fonction qui lève une erreur inattendue. Rien n'est changé dans le code de l'application.
PANNE = textwrap.dedent(f'''
    import importlib.abc
    import sys


    class _Panne(importlib.abc.MetaPathFinder):
        def find_spec(self, nom, chemin, cible=None):
            if nom != "ctg_data.acteurs":
                return None
            for chercheur in sys.meta_path:
                if chercheur is not self and hasattr(chercheur, "find_spec"):
                    spec = chercheur.find_spec(nom, chemin, cible)
                    if spec is not None:
                        break
            else:
                return None
            executer = spec.loader.exec_module

            def exec_module(module):
                executer(module)

                def par_acteur(*args, **kwargs):
                    raise RuntimeError({SECRET!r})

                module.par_acteur = par_acteur

            spec.loader.exec_module = exec_module
            return spec


    sys.meta_path.insert(0, _Panne())
''')


@pytest.fixture(scope="module")
def serveur_texte(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("texte")
    donnees = dossier / "data"
    shutil.copytree(DONNEES, donnees)
    (dossier / "sitecustomize.py").write_text(PANNE, encoding="utf-8")
    url = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    stockage = Stockage(url)
    stockage.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
    agent = stockage.authentifier("agent1", MOT_DE_PASSE)
    # PE1-I1 : premier indicateur de la première fiche, celui que la page « Plan d'actions » détaille d'abord.
    stockage.enregistrer_valeur(agent, PLAN, "PE1-I1", "Dijon", "2025", valeur_texte=f"en hausse {IMAGE}",
                                commentaire=f"Commentaire {IMAGE}", source=f"Source {LIEN}", version_vue=0)
    stockage.fixer_statut(agent, PLAN, "PE1-I1", "abandonné", f"Motif {IMAGE}")
    stockage.moteur.dispose()
    with serveur(dossier / "streamlit.log", CTG_DATA_DIR=str(donnees), CTG_DATABASE_URL=url,
                 PYTHONPATH=str(dossier)) as adresse:
        yield adresse, dossier / "streamlit.log"


@pytest.fixture
def requetes_dehors(page):
    """Chaque requête du navigateur vers une adresse qui n'est pas locale (le contexte la bloque)."""
    dehors = []
    page.on("request", lambda r: None if est_locale(r.url) else dehors.append(r.url))
    return dehors


def texte(element) -> str:
    """Le texte affiché, sans le gluon invisible (U+2060) que ``ui.texte_brut`` glisse dans une adresse
    écrite seule pour qu'elle ne devienne pas un lien."""
    return element.inner_text().replace("\u2060", "")


def verifier_rien_vers_dehors(page, dehors) -> None:
    page.wait_for_timeout(800)  # laisse au navigateur le temps de demander une image, s'il devait le faire
    assert dehors == []
    assert page.locator("a[href*='piege']").count() == 0
    assert page.locator("img[src*='piege']").count() == 0


def test_lien_dans_l_adresse_affiche_tel_quel(page, serveur_texte, requetes_dehors):
    adresse, _ = serveur_texte
    page.goto(f"{adresse}/?quartier={LIEN}")
    attendre_page(page, "Convention Territoriale Globale — Ville de Dijon")
    avertissement = page.get_by_test_id("stAlertContentWarning").filter(has_text="indiqué dans l'adresse")
    expect(avertissement).to_be_visible()
    assert f"Le quartier « {LIEN} » indiqué dans l'adresse n'existe pas" in texte(avertissement)
    verifier_rien_vers_dehors(page, requetes_dehors)


def test_image_dans_un_motif_et_une_valeur_affichee_telle_quelle(page, serveur_texte, requetes_dehors):
    adresse, _ = serveur_texte
    page.goto(f"{adresse}/plan")
    attendre_page(page, "Plan d'actions — CTG Dijon 2024-2027")
    principal = page.get_by_test_id("stMain")
    motif = principal.get_by_text("Statut fixé à la main par agent1 :")
    expect(motif).to_be_visible()
    assert texte(motif) == f"Statut fixé à la main par agent1 : Motif {IMAGE}"
    page.get_by_text(re.compile(r"^Axe 1 — ")).first.click()  # l'arbre : valeur saisie de PE1-I1
    valeur = principal.get_by_text("en hausse").first
    expect(valeur).to_be_visible()
    assert texte(valeur) == f"en hausse {IMAGE}"
    verifier_rien_vers_dehors(page, requetes_dehors)


def test_page_qui_echoue_sans_pile_d_appels(page, serveur_texte, requetes_dehors):
    adresse, journal = serveur_texte
    page.goto(f"{adresse}/acteurs")
    attendre_page(page, "Cartographie des acteurs")
    message = page.get_by_test_id("stAlertContentError")
    expect(message).to_contain_text("Une erreur inattendue a empêché d'afficher cette page. Réessayez")
    expect(message).to_contain_text("le détail est dans le journal du serveur")
    texte = page.get_by_test_id("stApp").inner_text()
    for interdit in ("Traceback", "RuntimeError", "SELECT", "secret", "File \"", "This app has encountered an error"):
        assert interdit not in texte, interdit
    assert page.get_by_test_id("stException").count() == 0
    verifier_rien_vers_dehors(page, requetes_dehors)
    # Le détail est dans le journal du serveur, avec la pile d'appels.
    contenu = journal.read_text(encoding="utf-8", errors="replace")
    assert "Erreur inattendue dans la page « acteurs »" in contenu
    assert "Traceback" in contenu and SECRET in contenu
