"""Pages Plan d'actions, Tableau récapitulatif et Saisie (AppTest), avec un magasin SQLite temporaire."""

import io
import re

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import MOT_DE_PASSE, RACINE, ouvrir_page, textes_affiches

ouvrir = ouvrir_page  # raccourcis locaux
tout = textes_affiches

PLAN = "ctg-dijon-2024-2027"





def saisir(magasin, editeur, indicateur, valeur, zone="Dijon", periode="2025", version_vue=0):
    return magasin.enregistrer_valeur(editeur, PLAN, indicateur, zone, periode, valeur=valeur,
                                      source="Tableau de suivi du service", version_vue=version_vue)


def test_plan_sans_valeurs_tout_a_renseigner(magasin):
    at = ouvrir("plan")
    assert at.title[0].value == "Plan d'actions — CTG Dijon 2024-2027"
    synthese = at.dataframe[0].value
    assert list(synthese["Statut de l'axe"]) == ["à renseigner"] * 4
    assert synthese["à renseigner"].sum() == 55
    assert "Aucune valeur n'a encore été saisie" in tout(at)
    assert ":gray-badge[sans indicateur]" in tout(at)  # PE5, EN1, EN4


def test_plan_apres_saisie(magasin, editeur):
    saisir(magasin, editeur, "JE1-I1", 42)
    at = ouvrir("plan")
    synthese = at.dataframe[0].value.set_index("Axe")
    assert synthese.loc["3. Jeunesse", "en cours"] == 1
    assert synthese.loc["3. Jeunesse", "Statut de l'axe"] == "en cours"
    at.selectbox(key="plan_fiche").select("JE1").run()
    detail = at.dataframe[1].value.set_index("Indicateur")
    premier = detail.iloc[0]
    assert (premier["Statut"], premier["Dernière valeur"], premier["Cible"]) == ("en cours", "42", "à définir")
    historique = at.dataframe[-1].value
    assert list(historique["Saisie par"]) == ["agent1"]


def test_plan_filtre_axe_et_quartier(magasin, editeur):
    saisir(magasin, editeur, "JE1-I1", 5, zone="Grésilles")
    at = ouvrir("plan", quartier="gresilles")
    assert "seules les valeurs saisies pour ce quartier" in tout(at)
    assert at.dataframe[0].value.set_index("Axe").loc["3. Jeunesse", "en cours"] == 1
    at = ouvrir("plan", quartier="montchapet")
    assert at.dataframe[0].value["en cours"].sum() == 0
    at.selectbox(key="plan_axe").select("A2").run()
    assert [e.label for e in at.expander if e.label.startswith("Axe")] == ["Axe 2 — Enfance"]


def test_statut_manuel_affiche(magasin, editeur):
    magasin.fixer_statut(editeur, PLAN, "PE1-I1", "abandonné", "Guichet unique reporté")
    at = ouvrir("plan")
    assert at.dataframe[0].value.set_index("Axe").loc["1. Petite enfance", "abandonné"] == 1


def test_recapitulatif_annuel(magasin, editeur):
    saisir(magasin, editeur, "JE1-I1", 42, periode="2025")
    saisir(magasin, editeur, "JE1-I1", 50, periode="2026")
    at = ouvrir("recapitulatif")
    at.selectbox(key="recap_annee").select(2025).run()
    tableau = at.dataframe[1].value
    ligne = tableau[tableau["Indicateur"].str.startswith(tableau.iloc[0]["Indicateur"][:5])]
    assert len(tableau) == 55 + 3  # 55 indicateurs et 3 fiches sans indicateur
    je1 = tableau[tableau["Fiche"].str.startswith("JE1")].iloc[0]
    assert (je1["Valeur"], je1["Période"], je1["Statut"]) == ("42", "2025 (Dijon)", "en cours")
    at.selectbox(key="recap_annee").select(2026).run()
    je1 = at.dataframe[1].value.query("Fiche.str.startswith('JE1')").iloc[0]
    assert je1["Valeur"] == "50"
    at.button(key="recap_pdf_preparer").click().run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Télécharger en Excel", "Télécharger en CSV",
                                                            "Télécharger le PDF"]


def test_saisie_invisible_sans_connexion(magasin):
    """Sans connexion, la page Saisie (déclarée, pour qu'un rechargement ne tombe pas sur « Page not
    found ») ne montre que la demande de connexion : ni onglet, ni bouton d'enregistrement."""
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60).run()
    at.switch_page("pages/vues/saisie.py").run()
    assert not at.exception and [t.value for t in at.title] == ["Espace éditeur : connexion requise"]
    assert not at.tabs and {b.label for b in at.button} == {"Se connecter"}


@pytest.mark.parametrize("parametres", [
    {"_identite": "agent1"}, {"identite": "agent1", "role": "editeur"}, {"page": "saisie", "editeur": "1"},
    {"plan": "ctg-dijon-2024-2027'; DROP TABLE valeurs; --", "quartier": "x' OR '1'='1"},
])
def test_adresse_fabriquee_ne_donne_aucun_droit(magasin, parametres):
    """Des paramètres d'adresse fabriqués ne connectent personne et n'écrivent rien : pas de page
    Saisie, pas de bouton d'enregistrement, base inchangée."""
    avant = magasin.empreinte()
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    for cle, valeur in parametres.items():
        at.query_params[cle] = valeur
    at.run()
    assert not at.exception
    assert "_identite" not in at.session_state or at.session_state["_identite"] is None
    at.switch_page("pages/vues/saisie.py").run()  # la page ne montre que la demande de connexion
    assert at.title[0].value == "Espace éditeur : connexion requise" and not at.tabs
    assert not [b for b in at.button if "Enregistrer" in b.label or "Confirmer" in b.label]
    assert magasin.empreinte() == avant and magasin.historique("ctg-dijon-2024-2027").empty


def test_saisie_par_la_grille(magasin, editeur):
    at = ouvrir("saisie", identite=editeur)
    assert at.title[0].value == "Saisie"
    at.selectbox(key="saisie_fiche").select("JE1").run()
    at.text_input(key="saisie_periode").set_value("2025").run()
    grille = at.session_state["saisie_base"]
    assert list(grille["version"]) == [0] * 9
    cle = "grille-JE1-Dijon-2025"
    at.session_state[cle] = {"edited_rows": {0: {"nouvelle_valeur": "12,5", "source": "Bilan du PIJ"}},
                             "added_rows": [], "deleted_rows": []}
    at.button(key="saisie_enregistrer").click().run()
    assert not at.exception
    courantes = magasin.valeurs_courantes(PLAN)
    assert (courantes.iloc[0]["indicateur"], courantes.iloc[0]["valeur"], courantes.iloc[0]["auteur"]) == ("JE1-I1", 12.5, "agent1")


def test_saisie_conflit(magasin, editeur):
    """Un éditeur ouvre la grille ; un autre enregistre entre-temps ; le premier reçoit un conflit
    avec les deux valeurs, et rien n'est écrasé."""
    magasin.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    autre = magasin.authentifier("agent2", MOT_DE_PASSE)
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="saisie_fiche").select("JE1").run()
    at.text_input(key="saisie_periode").set_value("2025").run()
    saisir(magasin, autre, "JE1-I1", 30)  # pendant que la grille est ouverte
    at.session_state["grille-JE1-Dijon-2025"] = {"edited_rows": {0: {"nouvelle_valeur": "31", "source": "s"}},
                                                 "added_rows": [], "deleted_rows": []}
    at.button(key="saisie_enregistrer").click().run()
    message = at.error[0].value
    assert "agent2 a enregistré 30" in message and "Votre valeur, 31, n'a pas été enregistrée" in message
    assert list(magasin.historique(PLAN)["valeur"]) == [30]
    assert magasin.conflits(PLAN).iloc[0]["valeur_proposee"] == 31


def csv_import(lignes):
    return ("indicateur;zone;periode;valeur;commentaire;source\n" + "\n".join(lignes) + "\n").encode()


def test_import_apercu_puis_confirmation(magasin, editeur):
    saisir(magasin, editeur, "JE1-I2", 7)
    at = ouvrir("saisie", identite=editeur)
    contenu = csv_import(["JE1-I1;Dijon;2025;12,5;;Bilan PIJ", "JE1-I2;Dijon;2025;8;corrigé;Bilan PIJ",
                          "JE1-I3;Grésilles;2025-S1;3;;Comptage"])
    at.get("file_uploader")[0].set_value(("saisie.csv", contenu, "text/csv")).run()
    apercu = next(d.value for d in at.dataframe if "action" in d.value.columns)  # l'aperçu de l'import
    assert list(apercu["action"]) == ["nouvelle valeur", "modification", "nouvelle valeur"]
    assert magasin.historique(PLAN).shape[0] == 1  # rien d'écrit avant confirmation
    at.button(key="import_confirmer").click().run()
    assert "Import terminé : 3 valeur(s) enregistrée(s)" in tout(at)
    assert magasin.valeurs_courantes(PLAN).set_index("indicateur").loc["JE1-I2", "valeur"] == 8


def test_import_refuse_ne_change_rien(magasin, editeur):
    saisir(magasin, editeur, "JE1-I2", 7)
    avant = magasin.historique(PLAN)
    at = ouvrir("saisie", identite=editeur)
    contenu = csv_import(["JE1-I1;Dijon;2025;12,5;;Bilan PIJ", "JE9-I9;Dijon;2025;1;;s", "JE1-I3;Atlantide;2025;x;;"])
    at.get("file_uploader")[0].set_value(("saisie.csv", contenu, "text/csv")).run()
    message = at.error[0].value.replace("\\", "")  # le contenu du fichier est cité échappé (ui.texte_brut)
    assert "saisie.csv" in message
    assert "ligne 3, colonne « indicateur » : indicateur inconnu « JE9-I9 »" in message
    assert "ligne 4, colonne « zone » : zone inconnue « Atlantide »" in message
    assert "ligne 4, colonne « source » : valeur manquante" in message
    assert "Rien n'a été enregistré" in message
    assert magasin.historique(PLAN).equals(avant)


def test_modele_d_import(magasin, editeur):
    from ctg_data.plan import charger_plan
    from ctg_data.saisie import modele_xlsx

    classeur = openpyxl.load_workbook(io.BytesIO(modele_xlsx(charger_plan(PLAN))))
    feuille = classeur["Saisie"]
    assert [c.value for c in feuille[1]][:6] == ["indicateur", "zone", "periode", "valeur", "commentaire", "source"]
    assert feuille.max_row == 56


def par_libelle(elements, libelle):
    return [e for e in elements if e.label == libelle][-1]


def test_correction_d_equipement(magasin, editeur):
    """Un éditeur corrige le quartier d'un équipement : la carte le compte dans ce quartier ; annuler
    la correction le remet « non localisé »."""
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="correction_equipement").select("EQ011").run()  # Multi-accueil Voltaire
    at.selectbox(key="correction_quartier_EQ011").select("Chevreul-Parc")
    par_libelle(at.text_input, "Motif (obligatoire)").input("Vérifié sur place")
    par_libelle(at.button, "Confirmer la correction").click().run()
    assert not at.exception
    actives = magasin.corrections_actives().set_index("id")
    assert (actives.loc["EQ011", "quartier"], actives.loc["EQ011", "auteur"]) == ("Chevreul-Parc", "agent1")
    carte = ouvrir("carte", quartier="chevreul-parc")
    assert carte.title[0].value.endswith("(2 équipements)")  # La Colombière, et Voltaire corrigé
    magasin.annuler_correction(editeur, int(actives.loc["EQ011", "id_correction"]), "erreur de saisie")
    carte = ouvrir("carte", quartier="chevreul-parc")
    assert carte.title[0].value.endswith("(1 équipement)")


def test_correction_sans_motif_refusee(magasin, editeur):
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="correction_equipement").select("EQ011").run()
    at.selectbox(key="correction_quartier_EQ011").select("Chevreul-Parc")
    par_libelle(at.button, "Confirmer la correction").click().run()
    assert "Indiquez le motif de la correction" in tout(at)
    assert magasin.historique_corrections().empty


def test_une_valeur_puis_conflit(magasin, editeur):
    magasin.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    autre = magasin.authentifier("agent2", MOT_DE_PASSE)
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="une_indicateur").select("JE1-I1").run()
    at.text_input(key="une_periode").set_value("2025").run()
    par_libelle(at.text_input, "Valeur").input("12")
    par_libelle(at.text_input, "Source (obligatoire)").input("Bilan PIJ")
    par_libelle(at.button, "Enregistrer la valeur").click().run()
    assert "Valeur enregistrée (version 1)" in tout(at)
    saisir(magasin, autre, "JE1-I1", 14, version_vue=1)  # l'autre éditeur passe avant
    par_libelle(at.text_input, "Valeur").input("13")
    par_libelle(at.text_input, "Source (obligatoire)").input("Bilan PIJ")
    par_libelle(at.button, "Enregistrer la valeur").click().run()
    assert "agent2 a enregistré 14" in at.error[0].value and "Votre valeur, 13" in at.error[0].value
    assert list(magasin.historique(PLAN)["valeur"]) == [12, 14]



def test_position_saisie_au_clavier_sans_la_carte(magasin, editeur):
    """Accessibilité : la position d'un équipement se propose aussi par ses coordonnées, sans cliquer
    sur la carte ; elle n'est enregistrée qu'à la confirmation, avec un motif."""
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="correction_equipement").select("EQ011").run()
    par_libelle(at.button, "Proposer cette position").click().run()
    assert "Indiquez la latitude et la longitude" in tout(at)
    par_libelle(at.number_input, "Latitude (degrés décimaux)").set_value(47.33421)
    par_libelle(at.number_input, "Longitude (degrés décimaux)").set_value(5.06012)
    par_libelle(at.button, "Proposer cette position").click().run()
    assert "Nouvelle position proposée : 47.33421, 5.06012" in tout(at)
    assert magasin.historique_corrections().empty  # rien d'écrit avant la confirmation
    par_libelle(at.text_input, "Motif (obligatoire)").input("Relevé sur place")
    par_libelle(at.button, "Confirmer la correction").click().run()
    assert not at.exception
    actives = magasin.corrections_actives().set_index("id")
    assert (actives.loc["EQ011", "lat"], actives.loc["EQ011", "lon"]) == (47.33421, 5.06012)


# --- Zones du territoire du plan, statuts du vocabulaire, textes saisis rendus tels quels ----------

GEVREY = "ctg-gevrey-nuits-2023-2026"
CONTRAT_DE_VILLE = "contrat-de-ville-dijon-metropole-2019-2022"


def test_saisie_gevrey_zones_du_territoire(magasin, editeur):
    """Plan de Gevrey-Nuits : la seule zone est la communauté de communes (pas « Dijon ») ; un import
    à cette zone est accepté, un import à « Dijon » refusé en nommant le fichier, la ligne et la colonne."""
    from ctg_data.territoire import charger_territoires

    nom = charger_territoires()[0]["gevrey-nuits"].nom
    at = ouvrir("saisie", identite=editeur, plan=GEVREY)
    assert at.selectbox(key="une_zone").options == [nom]
    assert at.selectbox(key="saisie_zone").options == [nom]
    at.get("file_uploader")[0].set_value(("dijon.csv", csv_import(["F0-E1;Dijon;2025;réalisé;;Bilan"]), "text/csv")).run()
    erreur = at.error[0].value.replace("\\", "")  # contenu du fichier cité échappé (ui.texte_brut)
    assert "dijon.csv" in erreur and "ligne 2, colonne « zone » : zone inconnue « Dijon »" in erreur
    at.get("file_uploader")[0].set_value(("cc.csv", csv_import([f"F0-E1;{nom};2025;réalisé;;Bilan"]), "text/csv")).run()
    at.button(key="import_confirmer").click().run()
    assert "Import terminé : 1 valeur(s) enregistrée(s)" in tout(at)
    courantes = magasin.valeurs_courantes(GEVREY)
    assert (courantes.iloc[0]["zone"], courantes.iloc[0]["valeur_texte"]) == (nom, "réalisé")
    plan = ouvrir("plan", plan=GEVREY)
    assert "1 indicateur sur 1 renseigné" in tout(plan)  # fiche F0 : sa valeur, pour la zone du territoire


def test_recapitulatif_d_un_plan_date_en_annees(magasin, editeur):
    """Contrat de ville : le document ne donne que des années (2019-2022) ; le récapitulatif les propose
    et lit la valeur saisie pour la métropole entière."""
    magasin.enregistrer_valeur(editeur, CONTRAT_DE_VILLE, "F3-I2", "Dijon Métropole", "2021", valeur=1234,
                               source="Bilan", version_vue=0)
    at = ouvrir("recapitulatif", plan=CONTRAT_DE_VILLE)
    assert at.selectbox(key="recap_annee").options == ["2019", "2020", "2021", "2022"]
    at.selectbox(key="recap_annee").select(2022).run()
    ligne = at.dataframe[1].value.query("Fiche.str.startswith('F3')").iloc[1]
    assert (ligne["Valeur"], ligne["Période"]) == ("1\u00a0234", "2021 (Dijon Métropole)")


def test_plan_sans_indicateur_ne_casse_rien(magasin, editeur):
    at = ouvrir("plan", plan="cite-educative-dijon")
    assert "Ce plan n'a pas d'indicateur" in tout(at)
    at = ouvrir("saisie", identite=editeur, plan="cite-educative-dijon")
    assert "Ce plan n'a pas d'indicateur" in tout(at)


def test_legende_des_statuts():
    from ctg_data.vocabulaire import Statut

    textes = tout(ouvrir("plan"))
    for s in Statut:
        assert f":{s.badge}-badge[{s.libelle}] {s.sens}" in textes


def test_grille_refuse_un_texte_pour_un_indicateur_chiffre(magasin, editeur):
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="saisie_fiche").select("JE1").run()
    at.text_input(key="saisie_periode").set_value("2025").run()
    at.session_state["grille-JE1-Dijon-2025"] = {
        "edited_rows": {0: {"nouvelle_valeur": "beaucoup", "source": "s"}, 1: {"nouvelle_valeur": "3", "source": "s"}},
        "added_rows": [], "deleted_rows": []}
    at.button(key="saisie_enregistrer").click().run()
    assert "JE1-I1 : « beaucoup » n'est pas un nombre" in at.error[0].value.replace("\\", "")  # texte échappé
    assert "Rien n'a été enregistré" in at.error[0].value
    assert magasin.historique(PLAN).empty  # tout ou rien


def test_une_valeur_texte_refusee_pour_un_indicateur_chiffre(magasin, editeur):
    at = ouvrir("saisie", identite=editeur)
    at.selectbox(key="une_indicateur").select("JE1-I1").run()
    par_libelle(at.text_input, "Valeur").input("beaucoup")
    par_libelle(at.text_input, "Source (obligatoire)").input("Bilan PIJ")
    par_libelle(at.button, "Enregistrer la valeur").click().run()
    message = at.error[0].value.replace("\\", "")  # la saisie est échappée (Markdown)
    assert "« beaucoup » n'est pas un nombre" in message and "(unité : nombre)" in message
    assert magasin.historique(PLAN).empty


def test_texte_saisi_affiche_tel_quel(magasin, editeur):
    """Une valeur textuelle (indicateur sans unité) s'affiche comme du texte, pas comme du Markdown."""
    piege = "**gras** [lien](https://exemple.org) _x_"
    magasin.enregistrer_valeur(editeur, PLAN, "PE1-I1", "Dijon", "2025", valeur_texte=piege, source="s", version_vue=0)
    magasin.fixer_statut(editeur, PLAN, "PE1-I1", "en cours", "motif *important*")
    at = ouvrir("plan")
    textes = tout(at)
    assert piege not in textes and "\\*\\*gras\\*\\* \\[lien\\]\\(https\\:" in textes
    at.selectbox(key="plan_fiche").select("PE1").run()
    assert at.dataframe[1].value.iloc[0]["Dernière valeur"] == piege  # dans un tableau, le texte brut
    assert "motif \\*important\\*" in tout(at)


def test_aucun_nom_de_territoire_dans_le_code_du_plan():
    """Les zones, les libellés et les noms de fichiers du plan viennent du territoire et du plan : aucun
    texte du code du plan (cœur et pages) ne nomme « Dijon »."""
    import ast

    fichiers = [RACINE / "ctg_data" / f for f in ("suivi.py", "saisie.py", "vues_plan.py", "recapitulatif.py")] + [
        RACINE / "pages" / "vues" / f for f in ("plan.py", "saisie.py", "recapitulatif.py")]
    trouves = [(f.name, n.lineno, n.value) for f in fichiers for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))
               if isinstance(n, ast.Constant) and isinstance(n.value, str) and "dijon" in n.value.lower()]
    assert trouves == []


# --- Aucun numéro de ligne du fichier source dans ce que lit le lecteur ---------------------------
RENVOI_DE_LIGNE = re.compile(r"\blignes? \d")
PLANS = sorted(p.parent.name for p in (RACINE / "data" / "plans").glob("*/plan.yaml"))


def test_texte_lisible_sans_numeros_de_ligne():
    from ctg_data.vues_plan import texte_lisible

    assert texte_lisible("Aucun indicateur d'évaluation n'est donné dans la fiche (Annexe 3, ligne 1278) : le texte "
                         "extrait de la fiche ne contient que son titre (lignes 1278-1289).") == (
        "Aucun indicateur d'évaluation n'est donné dans la fiche (Annexe 3) : le texte extrait de la fiche ne "
        "contient que son titre.")
    assert texte_lisible("La fiche ne donne pas d'indicateur (Annexe 2, fiche 6, lignes 333-344) : ses résultats "
                         "attendus (ligne 344) sont qualitatifs.") == (
        "La fiche ne donne pas d'indicateur (Annexe 2, fiche 6) : ses résultats attendus sont qualitatifs.")
    assert texte_lisible("« 2019-2022 » (lignes 12 et 28), sans date") == "« 2019-2022 », sans date"
    assert texte_lisible("Préambule (parties signataires, lignes 1-65)") == "Préambule (parties signataires)"
    assert texte_lisible(None) == "" and texte_lisible("Sans renvoi.") == "Sans renvoi."


@pytest.mark.parametrize("id_plan", PLANS)
def test_notes_du_plan_sans_numeros_de_ligne_dans_le_coeur(id_plan):
    """Ce que le cœur donne aux pages Plan d'actions et Tableau récapitulatif (raison d'une fiche sans
    indicateur, lignes du tableau annuel) ne cite aucune ligne du fichier source."""
    import pandas as pd

    from ctg_data import recapitulatif as recap
    from ctg_data import vues_plan as vp
    from ctg_data.plan import charger_plan

    plan = charger_plan(id_plan)
    territoire = vp.territoire_du_plan(plan)
    vide = pd.DataFrame(columns=["indicateur"])
    resume = vp.resume_plan(plan, territoire, vide, pd.DataFrame())
    notes = [f.raison_sans_indicateur for a in resume.axes for f in a.fiches if f.sans_indicateur]
    assert len(notes) == sum(1 for f in plan.fiches if f.sans_indicateur)
    assert not [n for n in notes if RENVOI_DE_LIGNE.search(n)]
    annee = plan.annees_de_suivi()[-1]
    tableau = recap.tableau_annuel(plan, pd.DataFrame(columns=["indicateur", "periode"]), pd.DataFrame(), int(annee),
                                   territoire)
    cellules = [v for v in tableau.to_numpy().ravel() if isinstance(v, str)]
    assert not [v for v in cellules if RENVOI_DE_LIGNE.search(v)]


def textes_hors_detail_de_la_source(at) -> list[str]:
    """Tout le texte du bloc principal (markdown, légendes, messages, cellules des tableaux), sauf celui
    des dépliants « Détail de la source » (où les références techniques ont leur place)."""
    from ctg_data.vocabulaire import DETAIL_SOURCE

    main = at.main
    detail = {c.value for e in main.expander if e.label == DETAIL_SOURCE for c in e.caption}
    textes = [t.value for t in [*main.markdown, *main.caption, *main.info, *main.warning, *main.title,
                                *main.header, *main.subheader]]
    textes = [t for t in textes if t not in detail]
    for d in main.dataframe:
        textes += [v for v in d.value.to_numpy().ravel() if isinstance(v, str)]
    return textes


@pytest.mark.parametrize("id_plan", PLANS)
def test_pages_plan_et_recapitulatif_sans_numeros_de_ligne(magasin, id_plan):
    """Pour chaque plan, les pages Plan d'actions (y compris le détail de chaque fiche sans indicateur)
    et Tableau récapitulatif ne montrent aucun numéro de ligne du fichier source hors du dépliant
    « Détail de la source »."""
    from ctg_data.plan import charger_plan

    plan = charger_plan(id_plan)
    at = ouvrir("plan", plan=id_plan)
    fautes = [t for t in textes_hors_detail_de_la_source(at) if RENVOI_DE_LIGNE.search(t)]
    for fiche in (f for f in plan.fiches if not f.indicateurs):
        at.selectbox(key="plan_fiche").select(fiche.id).run()
        assert not at.exception
        assert any(i.value for i in at.main.info)  # la raison est montrée
        fautes += [t for t in textes_hors_detail_de_la_source(at) if RENVOI_DE_LIGNE.search(t)]
    recap = ouvrir("recapitulatif", plan=id_plan)
    fautes += [t for t in textes_hors_detail_de_la_source(recap) if RENVOI_DE_LIGNE.search(t)]
    assert not fautes, fautes
