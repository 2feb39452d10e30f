"""Les caches des pages (pages/ui/chargement.py) : un fichier de données modifié et une valeur saisie sont
vus dès l'exécution suivante, même si l'empreinte des fichiers n'est relue qu'une fois par exécution et si
le diaporama du séminaire est partagé entre les sessions."""

from streamlit.testing.v1 import AppTest

from pages.ui import chargement
from tests.conftest import MOT_DE_PASSE, RACINE, modifier_cellule, ouvrir_page

PLAN = "ctg-dijon-2024-2027"


def test_hors_d_une_execution_rien_n_est_garde():
    assert chargement._memoire_execution() is None
    appels = []
    for _ in range(2):
        chargement._une_fois_par_execution(("essai",), lambda: appels.append(1))
    assert len(appels) == 2


def test_fichier_modifie_vu_a_l_execution_suivante(dossier_donnees):
    """La même session : le fichier cassé entre deux exécutions est signalé tout de suite, puis réparé."""
    at = ouvrir_page("donnees")
    assert not at.error
    original = (dossier_donnees / "equipements.csv").read_bytes()
    ligne = modifier_cellule(dossier_donnees / "equipements.csv", "EQ007", "categorie", "Garderie")
    at.run()
    assert not at.exception
    (erreur,) = at.error
    assert f"ligne {ligne}, colonne « categorie » : « Garderie »" in erreur.value
    (dossier_donnees / "equipements.csv").write_bytes(original)
    at.run()
    assert not at.exception and not at.error


def tableau_avancement(at):
    assert at.title[0].value == "Avancement du plan"
    return at.dataframe[0].value


def test_statut_saisi_visible_tout_de_suite_dans_le_diaporama_partage(magasin):
    """Le diaporama est construit une fois pour toutes les sessions ; un statut enregistré par un éditeur
    change l'empreinte de la base, donc la clé : la session ouverte et une nouvelle le voient aussitôt."""
    at = ouvrir_page("seminaire", diapo="2")
    avant = tableau_avancement(at)
    assert "abandonné" not in set(avant["Statut"])
    editeur = magasin.authentifier("agent1", MOT_DE_PASSE)
    magasin.fixer_statut(editeur, PLAN, "PE1-I1", "abandonné", "Action arrêtée en 2025")
    at.run()
    assert not at.exception
    assert "abandonné" in set(tableau_avancement(at)["Statut"])
    autre = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    autre.query_params["diapo"] = "2"
    autre.run()
    autre.switch_page("pages/vues/seminaire.py").run()
    assert "abandonné" in set(tableau_avancement(autre)["Statut"])
