"""Chaque page, exécutée par AppTest : ce qu'elle affiche, le filtre de quartier, les erreurs de données."""

import pytest
from streamlit.testing.v1 import AppTest

from ctg_data.catalogue import charger
from tests.conftest import RACINE, ouvrir_page, textes_affiches, modifier_cellule

lancer = ouvrir_page  # raccourcis locaux
textes = textes_affiches

E = "\u00a0"





def test_accueil_chiffres_cles():
    at = lancer()
    assert at.title[0].value == "Convention Territoriale Globale — Ville de Dijon"
    assert at.metric[0].value == f"159{E}106"
    contenu = textes(at)
    assert "**Habitants**" in contenu
    assert "personnes — **Dijon, 2020**" in contenu
    assert f"Côte\\-d'Or 11,5{E}% ; France métropolitaine 14,4{E}%" in contenu
    assert "Source : Convention CTG 2024-2027, Préambule" in contenu
    assert f"1{E}807{E}naissances en 2008" in contenu


def test_accueil_deux_sources_du_niveau_de_vie_median():
    """Convention (2020, période du montant non précisée) et INSEE (2019, € par an), côte à côte."""
    contenu = textes(lancer())
    assert f"1{E}847{E}€" in [m.value for m in lancer().metric]
    assert "Montant : période non précisée par le document." in contenu
    assert f"Côte\\-d'Or 1{E}738{E}€" in contenu
    assert f"— 2019, € par an \\: Dijon 21{E}830{E}€" in contenu and f"Côte\\-d'Or 22{E}590{E}€" in contenu


def test_accueil_equipements_par_categorie():
    at = lancer()
    tableau = at.dataframe[0].value
    assert dict(zip(tableau["Catégorie"], tableau["Nombre"]))[
        "Établissements d'accueil du jeune enfant (EAJE)"
    ] == 30
    equipements = charger("equipements")
    postes = (equipements["sous_type"] == "pilotage du projet de territoire").sum()
    assert postes == 3
    assert tableau["Nombre"].sum() == len(equipements) - postes == 57
    assert "57 équipements et services." in textes(at)
    assert "les postes de coordination listés avec eux ne sont pas comptés" in textes(at)


def test_filtre_quartier_depuis_l_adresse():
    at = lancer(quartier="gresilles")
    assert at.selectbox(key="_widget_quartier").value == "Grésilles"
    contenu = textes(at)
    assert "les sources ne les donnent pas pour le quartier Grésilles" in contenu
    assert "2 équipements et services dans le quartier Grésilles ; 38 autres dont le quartier n'est pas connu" in contenu
    assert any(e.label.startswith("Peut-être dans ce quartier : 38 équipements") for e in at.expander)
    assert at.query_params["quartier"] == "gresilles"


def test_filtre_quartier_applique_apres_changement_de_page():
    at = lancer(quartier="fontaine-d-ouche")
    at.switch_page("pages/vues/donnees.py").run()
    assert not at.exception
    assert at.session_state["quartier"] == "Fontaine d'Ouche"
    at.switch_page("pages/vues/accueil.py").run()
    assert "dans le quartier Fontaine d'Ouche" in textes(at)


def test_quartier_inconnu_dans_l_adresse():
    at = lancer(quartier="atlantide")
    assert at.selectbox(key="_widget_quartier").value == ""  # « Tout Dijon »
    assert "Le quartier « atlantide » indiqué dans l'adresse n'existe pas" in at.warning[0].value


def chaque_onglet(at):
    """Ouvre tour à tour chaque onglet de la page « Données et sources » (seul l'onglet ouvert est calculé et
    envoyé) ; rend le titre de l'onglet ouvert, ``at`` montrant alors son contenu."""
    for titre in [t.label for t in at.tabs]:
        at.session_state["jeu"] = titre
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        (ouvert,) = [t for t in at.tabs if t.children]  # un seul onglet rempli : celui qui est ouvert
        assert ouvert.label == titre
        yield titre


def test_page_donnees_et_sources():
    at = lancer("donnees")
    assert at.title[0].value == "Données et sources"
    assert [t.label for t in at.tabs] == [
        "Portrait de territoire de Dijon",
        "Équipements et services soutenus par la Ville",
        "Les 9 quartiers de Dijon",
        "Rattachement des IRIS aux 9 quartiers (reconstruction de l'équipe)",
        "Quartier des équipements décidé par l'équipe",
        "Position et quartier de chaque équipement",
        "Contours des 66 IRIS de Dijon",
        "Contours des 9 quartiers (reconstitués)",
        "Quartiers prioritaires de la politique de la ville (QPV) 2024",
        "La Cité éducative de Dijon",
        "Indicateurs sociaux par IRIS, quartier et QPV",
        "Dictionnaire des indicateurs sociaux",
    ]
    # À l'ouverture, seul le premier onglet est rempli (les autres ne sont ni calculés ni envoyés).
    assert [bool(t.children) for t in at.tabs] == [True] + [False] * 11
    provenance = at.table[0].value
    assert "002_e8b9c2145bef99c1.txt" in provenance.to_string()
    # Chaque onglet ouvert à son tour : son contenu, ses deux boutons, et ceux du plan (toujours affichés).
    contenu, csv, excel, geojson = [], 0, 0, 0
    for _ in chaque_onglet(at):
        contenu.append(textes(at))
        boutons = [b.label for b in at.get("download_button")]
        assert boutons.count("Télécharger en CSV") == 2 and boutons.count("Télécharger en Excel") == 2
        assert "Télécharger le plan complet (YAML)" in boutons
        csv, excel = csv + 1, excel + 1
        geojson += boutons.count("Télécharger en GeoJSON")
    contenu = "\n".join(contenu)
    assert "61 lignes — fichier data/portrait.csv" in contenu
    assert "60 lignes — fichier data/equipements.csv" in contenu
    assert (csv, excel) == (12, 12)  # plus ceux du plan : 13 de chaque, comme quand tout était envoyé
    assert geojson == 3
    assert "66 contours — fichier data/iris.geojson" in contenu


@pytest.mark.parametrize("jeu, attendu, texte", [
    ("Les 9 quartiers de Dijon", "Les 9 quartiers de Dijon", "9 lignes — fichier data/quartiers.csv"),
    ("Atlantide", "Portrait de territoire de Dijon", None),
])
def test_onglet_de_la_page_donnees_dans_l_adresse(jeu, attendu, texte):
    """L'onglet ouvert est lu dans l'adresse (?jeu=titre du jeu) : un lien copié rouvre le même jeu ; un
    titre inconnu ouvre le premier onglet, sans erreur."""
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.query_params["jeu"] = jeu
    at.run()
    at.switch_page("pages/vues/donnees.py").run()
    assert not at.exception
    (ouvert,) = [t for t in at.tabs if t.children]
    assert ouvert.label == attendu
    if texte is not None:
        assert texte in textes(at)


@pytest.mark.parametrize("page", [None, "donnees"])
def test_fichier_casse_message_en_francais(dossier_donnees, page):
    ligne = modifier_cellule(dossier_donnees / "equipements.csv", "EQ007", "categorie", "Garderie")
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60).run()
    if page:
        at.switch_page(f"pages/vues/{page}.py").run()
    assert not at.exception
    (erreur,) = at.error
    assert "Les données n'ont pas pu être chargées" in erreur.value
    assert "equipements.csv" in erreur.value
    assert f"ligne {ligne}, colonne « categorie » : « Garderie »" in erreur.value
    assert "Traceback" not in erreur.value


def test_carte_tout_dijon():
    at = lancer("carte")
    assert at.title[0].value.startswith("Équipements et services — tout Dijon (")
    assert "19 sur la carte, dont 19 à une position approximative" in at.caption[0].value
    tableau = at.dataframe[-1].value
    assert list(tableau["Quartier"])[-1] == "Quartier non connu"
    assert "Pas de taux pour 1 000 enfants" in textes(at)
    assert any(e.label.startswith("Équipements non localisés (") for e in at.expander)


def test_carte_quartier_et_filtres():
    at = lancer("carte", quartier="gresilles")
    assert at.title[0].value == "Équipements et services — quartier Grésilles (2 équipements)"
    tableau = at.dataframe[-1].value
    assert list(tableau["Quartier"]) == ["Grésilles"] and tableau["Total"].iloc[0] == 2
    at.multiselect(key="carte_categories").set_value(["EAJE"]).run()
    assert at.title[0].value == "EAJE — quartier Grésilles (1 équipement)"
    at.multiselect(key="carte_categories").set_value(["EAJE", "RPE"]).run()
    assert at.title[0].value.startswith("EAJE et RPE — quartier Grésilles")


def test_carte_filtre_gestionnaire_et_annexe():
    at = lancer("carte")
    at.selectbox(key="carte_gestion").select("Ville de Dijon").run()
    titre_ville = at.title[0].value
    at.selectbox(key="carte_annexe").select("Annexe 2 bis (non éligibles)").run()
    assert titre_ville != at.title[0].value
    assert "(1 équipement)" in at.title[0].value  # le réseau des médiathèques


def test_geocodage_reserve_aux_editeurs():
    """Le géocodage appelle un service extérieur et écrit des fichiers : un acte d'éditeur. Aucun champ ne
    laisse saisir un chemin sur le serveur."""
    at = lancer("carte")
    assert not [b for b in at.button if b.key == "geocodage_lancer"]
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]  # connexion seulement
    from ctg_data.stockage import Stockage
    import os

    magasin = Stockage(os.environ["CTG_DATABASE_URL"])
    magasin.creer_compte("geo1", "Géo Un", "mot de passe assez long")
    at = lancer("carte", identite=magasin.authentifier("geo1", "mot de passe assez long"))
    assert at.button(key="geocodage_lancer").label.startswith("Lancer le géocodage")
    assert not [t for t in at.text_input if "hemin" in t.label]


@pytest.mark.parametrize("page,volet,colonne", [
    ("carte", "La carte en tableau : les 19 équipements placés", "Position"),
    ("contexte", "L'évolution en tableau (valeur par quartier et par année)", "Quartier"),
    ("contexte", "Le graphique en tableau", "Zone"),
    ("seminaire", None, None),
])
def test_tableau_a_la_place_du_graphique(page, volet, colonne):
    """Accessibilité : chaque carte et chaque graphique a son tableau (volet à déplier ou tableau
    signalé juste à côté)."""
    at = lancer(page)
    if page == "seminaire":  # la diapositive de la carte
        for _ in range(30):  # borné : 18 diapositives
            if "Les équipements" in at.title[0].value or at.button(key="diapo_suivante").disabled:
                break
            at.button(key="diapo_suivante").click().run()
        volet, colonne = next(e.label for e in at.expander if e.label.startswith("La carte en tableau")), "Quartier"
    (trouve,) = [e for e in at.expander if e.label == volet]
    tableau = trouve.dataframe[0].value
    assert colonne in tableau.columns and len(tableau) > 0
    if page == "carte":
        assert len(tableau) == 19 and set(tableau["Position"]) == {"approximative (dans le quartier)"}
