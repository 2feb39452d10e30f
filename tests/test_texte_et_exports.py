"""Ce que les gens tapent reste du texte, les exports ne portent aucune formule, aucune page ne montre
de pile d'appels, les téléchargements disent quand la base ne répondait pas, une restauration refuse
les valeurs invalides (issue 12, points 3, 4, 6 et 7).

- Markdown : chaque texte d'éditeur (valeur, commentaire, source, motif de statut ou de correction,
  nom), chaque paramètre d'adresse et chaque nom venu des données passe par ``ui.texte_brut`` avant
  d'être lu comme du Markdown par Streamlit : aucun lien, aucune image (AppTest sur toutes les pages ;
  le navigateur : ``tests/test_navigateur_texte.py``).
- Exports (OWASP, injection CSV) : aucune cellule de CSV ne commence par ``= + - @``, tabulation ou
  retour chariot sans apostrophe ; aucune cellule de classeur n'est une formule (type ``f``).
- Erreur inattendue : message en français, pile d'appels dans le journal du serveur.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
import re
import tomllib
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from ctg_data import exports, sauvegarde
from ctg_data import recapitulatif as recap
from ctg_data.catalogue import charger, lire_catalogue
from ctg_data.plan import charger_plans
from ctg_data.sauvegarde import FichierInvalide
from ctg_data.stockage import Stockage
from tests.conftest import MOT_DE_PASSE, RACINE

PLAN = "ctg-dijon-2024-2027"
FORMULES = ['=HYPERLINK("http://piege.example/x","clic")', "+1", "-1", "@SUM(A1)", "=1+1", "\t=1", "\r=1",
            "  =2*3", "-2+3+cmd|' /C calc'!A0"]
LIEN = "[Votre session a expiré : reconnectez-vous ici](http://piege.example/connexion)"
IMAGE = "![](http://piege.example/pixel.png)"
DOMAINE = "piege.example"  # écrit « piege\.example » une fois échappé : sa présence brute trahit un oubli


@pytest.fixture(scope="module")
def plan_dijon():
    return charger_plans()[0][PLAN]


# --- Neutralisation des formules -------------------------------------------------------------------
def cellules_csv(octets: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(octets.decode("utf-8-sig"), newline=""), delimiter=";"))


def est_nombre_francais(texte: str) -> bool:
    return re.fullmatch(r"-?\d+([.,]\d+)?(e[-+]?\d+)?", texte) is not None  # (point : colonne mêlée)


def verifier_csv_sans_formule(octets: bytes) -> list[list[str]]:
    lignes = cellules_csv(octets)
    for ligne in lignes:
        for cellule in ligne:
            if exports.formule_possible(cellule):
                assert est_nombre_francais(cellule), f"cellule lue comme une formule : {cellule!r}"
    return lignes


def verifier_xlsx_sans_formule(octets: bytes) -> openpyxl.Workbook:
    """Aucune cellule de formule, ni pour openpyxl (type « f ») ni dans le XML (élément <f>)."""
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        for nom in archive.namelist():
            if nom.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(nom) and b"<f " not in archive.read(nom), nom
    classeur = openpyxl.load_workbook(io.BytesIO(octets))
    for feuille in classeur.worksheets:
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                assert cellule.data_type != "f", (feuille.title, cellule.coordinate, cellule.value)
    return classeur


def test_neutraliser_les_debuts_de_formule():
    for texte in FORMULES + ["＝1+1", "\n=1"]:
        assert exports.neutraliser(texte) == "'" + texte
    for inoffensif in ["Texte", "12,5", "1 234", "−3", "a=b", "'=déjà neutralisé", ""]:
        assert exports.neutraliser(inoffensif) == inoffensif
    for nombre in [-1, -2.5, 0, 3, float("nan"), None, True]:
        assert exports.neutraliser(nombre) is nombre  # un nombre (même négatif) n'est pas une formule


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r\n '\"a1,;é")) | st.characters(), max_size=30))
def test_neutraliser_fuzz(texte):
    """Quel que soit le texte : le résultat ne commence jamais par un début de formule, le texte d'origine
    est gardé entier (seule une apostrophe peut s'ajouter devant), et neutraliser deux fois ne change rien."""
    sortie = exports.neutraliser(texte)
    assert not exports.formule_possible(sortie)
    assert sortie in (texte, "'" + texte)
    assert exports.neutraliser(sortie) == sortie
    dangereux = texte[:1] in ("\t", "\r", "\n") or texte.lstrip()[:1] in tuple("=+-@＝＋－＠")
    assert (sortie != texte) == dangereux


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=20) | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False,
                                                                             width=32), min_size=1, max_size=6))
def test_exports_fuzz_aucune_formule(valeurs):
    """Un tableau quelconque (textes, entiers, nombres à virgule) : ni le CSV ni le classeur ne portent de
    formule, les nombres restent des nombres dans le classeur, et le texte est gardé tel quel."""
    df = pd.DataFrame({"Colonne": pd.Series(valeurs, dtype=object)})
    verifier_csv_sans_formule(exports.en_csv(df))
    classeur = verifier_xlsx_sans_formule(exports.en_xlsx(df))
    lues = [c.value for (c,) in classeur["Données"].iter_rows(min_row=2)]
    for origine, lue in zip(valeurs, lues):
        if isinstance(origine, str):
            propre = exports.ILLEGAL_CHARACTERS_RE.sub(exports.REMPLACEMENT, origine)
            propre = re.sub(r"\r\n?", "\n", propre)  # fin de ligne normalisée par XML à la lecture
            assert lue == (propre or None)  # une cellule vide se relit None
        else:
            assert isinstance(lue, (int, float)) and math.isclose(lue, origine, rel_tol=1e-6, abs_tol=1e-6)


def test_classeur_garde_le_texte_et_les_nombres():
    df = pd.DataFrame({"Texte": FORMULES[:4] + ["NUL\x00ici"], "Nombre": [-1, -2.5, 3, 0, 12]})
    classeur = verifier_xlsx_sans_formule(exports.en_xlsx(df))
    f = classeur["Données"]
    assert [f.cell(i, 1).value for i in range(2, 7)] == FORMULES[:4] + ["NUL\ufffdici"]
    assert all(f.cell(i, 1).quotePrefix for i in range(2, 6))  # marquées « texte » pour Excel
    assert [f.cell(i, 2).value for i in range(2, 7)] == [-1, -2.5, 3, 0, 12]
    assert f.cell(2, 2).data_type == "n"
    lignes = verifier_csv_sans_formule(exports.en_csv(df))
    assert [l[0] for l in lignes[1:5]] == ["'" + t for t in FORMULES[:4]]
    assert [l[1] for l in lignes[1:]] == ["-1,0", "-2,5", "3,0", "0,0", "12,0"]  # nombres négatifs intacts


def saisir_les_formules(magasin, editeur):
    """Des formules dans les commentaires, les sources, une valeur en texte et un motif de statut."""
    magasin.enregistrer_valeur(editeur, PLAN, "PE1-I1", "Dijon", "2025", valeur_texte="=HYPERLINK(\"http://x\",\"clic\")",
                               commentaire='=HYPERLINK("http://piege.example/x","clic")', source="+1", version_vue=0)
    magasin.enregistrer_valeur(editeur, PLAN, "PE2-I1", "Dijon", "2025", valeur_texte="-1", commentaire="-1",
                               source="@SUM(A1)", version_vue=0)
    magasin.enregistrer_valeur(editeur, PLAN, "PE4-I1", "Dijon", "2025", valeur=-3, commentaire="@SUM(A1)",
                               source='=HYPERLINK("http://piege.example/y","clic")', version_vue=0)
    magasin.fixer_statut(editeur, PLAN, "PE3-I1", "abandonné", "=1+1")


def test_recapitulatif_annuel_sans_formule(magasin, editeur, plan_dijon):
    """Le tableau récapitulatif (Excel et CSV, produits comme la page les produit) après des saisies
    piégées : aucune formule, chaque texte gardé tel quel."""
    saisir_les_formules(magasin, editeur)
    tableau = recap.tableau_annuel(plan_dijon, magasin.valeurs_courantes(PLAN), magasin.statuts_manuels(PLAN), 2025)
    classeur = verifier_xlsx_sans_formule(recap.en_xlsx(tableau, plan_dijon, 2025, ["CTG, Annexe 3"]))
    assert classeur.sheetnames == ["Récapitulatif 2025", "Source"]
    feuille = classeur["Récapitulatif 2025"]
    textes = {c.value for ligne in feuille.iter_rows(min_row=2) for c in ligne}
    assert {'=HYPERLINK("http://piege.example/x","clic")', "+1", "-1", "@SUM(A1)",
            '=HYPERLINK("http://piege.example/y","clic")'} <= textes
    assert any(isinstance(v, str) and v.endswith("=1+1") for v in textes)  # « Statut fixé par agent1 : =1+1 »
    lignes = verifier_csv_sans_formule(recap.en_csv(tableau))
    tout = [c for l in lignes for c in l]
    for attendu in ("'=HYPERLINK(\"http://piege.example/x\",\"clic\")", "'+1", "'-1", "'@SUM(A1)"):
        assert attendu in tout
    assert "−3" in tout  # la valeur négative, mise en forme (signe moins typographique) : pas d'apostrophe


def test_exports_generiques_et_carte_sans_formule():
    """Les téléchargements de « Données et sources » et de la carte (``ui.telechargements``) : un nom
    d'équipement piégé ne devient pas une formule ; la feuille « Source » reste lisible."""
    equipements = charger("equipements")
    equipements.loc[equipements.index[0], "nom"] = '=HYPERLINK("http://piege.example/x","clic")'
    equipements.loc[equipements.index[1], "adresse"] = "@SUM(A1)"
    jeu = lire_catalogue()["equipements"]
    classeur = verifier_xlsx_sans_formule(exports.en_xlsx(equipements, jeu=jeu))
    assert classeur.sheetnames == ["Données", "Source"]
    assert classeur["Données"]["B2"].value == '=HYPERLINK("http://piege.example/x","clic")'
    lignes = verifier_csv_sans_formule(exports.en_csv(equipements))
    assert lignes[1][1] == "'=HYPERLINK(\"http://piege.example/x\",\"clic\")"
    # Ce que les pages servent vraiment (ui.telechargements) : la version pour tableur, en-têtes en français.
    classeur = verifier_xlsx_sans_formule(exports.xlsx_pour_tableur(equipements, jeu=jeu))
    valeurs = [c.value for ligne in classeur.worksheets[0].iter_rows() for c in ligne]
    assert '=HYPERLINK("http://piege.example/x","clic")' in valeurs and "@SUM(A1)" in valeurs  # texte, pas formule
    cellules = [c for ligne in verifier_csv_sans_formule(exports.csv_pour_tableur(equipements)) for c in ligne]
    assert "'=HYPERLINK(\"http://piege.example/x\",\"clic\")" in cellules and "'@SUM(A1)" in cellules


# --- Téléchargements quand la base ne répond pas -----------------------------------------------------
def test_telechargements_disent_que_la_base_ne_repondait_pas(plan_dijon):
    vide = pd.DataFrame(columns=["indicateur", "zone", "periode", "valeur", "valeur_texte", "commentaire", "source",
                                 "auteur", "horodatage", "version"])
    tableau = recap.tableau_annuel(plan_dijon, vide, pd.DataFrame(), 2025)
    classeur = openpyxl.load_workbook(io.BytesIO(recap.en_xlsx(tableau, plan_dijon, 2025, ["s"], base_disponible=False)))
    assert classeur.sheetnames[0] == "Avertissement"
    assert classeur["Avertissement"]["A2"].value == recap.BASE_INDISPONIBLE
    assert recap.BASE_INDISPONIBLE in [c.value for (_, c) in classeur["Source"].iter_rows(min_row=2)]
    premiere = cellules_csv(recap.en_csv(tableau, base_disponible=False))[0]
    assert premiere == [recap.BASE_INDISPONIBLE]
    pages = texte_pdf(recap.en_pdf(tableau, plan_dijon, 2025, ["s"], base_disponible=False))
    assert re.sub(r"\s+", " ", recap.BASE_INDISPONIBLE) in " ".join(pages)
    # Base disponible : aucun avertissement.
    assert "Avertissement" not in openpyxl.load_workbook(io.BytesIO(recap.en_xlsx(tableau, plan_dijon, 2025, ["s"]))).sheetnames
    assert recap.BASE_INDISPONIBLE not in recap.en_csv(tableau).decode("utf-8-sig")


class Telechargements:
    """Relève les boutons de téléchargement d'une page (AppTest) et rend les octets que le bouton
    servirait : les fichiers produits au clic (fonction) sont produits ici."""

    def __init__(self, monkeypatch):
        from streamlit.delta_generator import DeltaGenerator

        self.boutons: dict[str, object] = {}
        original = DeltaGenerator.download_button
        releve = self.boutons

        def download_button(dg, label, data, *args, **kwargs):
            releve[kwargs.get("file_name") or label] = data
            return original(dg, label, data, *args, **kwargs)

        monkeypatch.setattr(DeltaGenerator, "download_button", download_button)

    def octets(self, suffixe: str) -> bytes:
        (nom,) = [n for n in self.boutons if n.endswith(suffixe)]
        data = self.boutons[nom]
        return data() if callable(data) else data


def test_page_recapitulatif_base_indisponible(tmp_path, monkeypatch):
    """La base ne répond pas : la page le dit, et son Excel et son CSV aussi (pas de « non renseignée »
    silencieux)."""
    monkeypatch.setenv("CTG_DATABASE_URL", f"sqlite:///{tmp_path / 'absent' / 'dossier' / 'ctg.sqlite3'}")
    boutons = Telechargements(monkeypatch)
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/vues/recapitulatif.py").run()
    assert not at.exception
    assert any(recap.BASE_INDISPONIBLE.replace("\\", "") in w.value for w in at.warning)
    classeur = verifier_xlsx_sans_formule(boutons.octets(".xlsx"))
    assert classeur.sheetnames[0] == "Avertissement"
    assert cellules_csv(boutons.octets(".csv"))[0] == [recap.BASE_INDISPONIBLE]


def test_page_recapitulatif_exports_sans_formule(magasin, editeur, monkeypatch):
    """Bout à bout : les boutons « Excel » et « CSV » de la page servent des fichiers sans formule."""
    saisir_les_formules(magasin, editeur)
    boutons = Telechargements(monkeypatch)
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/vues/recapitulatif.py").run()
    assert not at.exception
    at.selectbox(key="recap_annee").select(2025).run()
    classeur = verifier_xlsx_sans_formule(boutons.octets("recapitulatif-2025.xlsx"))
    assert "Avertissement" not in classeur.sheetnames
    textes = {c.value for ligne in classeur.worksheets[0].iter_rows() for c in ligne}
    assert '=HYPERLINK("http://piege.example/x","clic")' in textes
    assert "'@SUM(A1)" in [c for l in verifier_csv_sans_formule(boutons.octets("recapitulatif-2025.csv")) for c in l]


# --- PDF : texte long et texte qui ressemble à du balisage ------------------------------------------
def texte_pdf(octets: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", (p.extract_text() or "").replace("\xa0", " ")) for p in PdfReader(io.BytesIO(octets)).pages]


def test_pdf_commentaire_de_5000_caracteres(magasin, editeur, plan_dijon):
    """Un commentaire de 5 000 caractères et un autre qui ressemble à du balisage reportlab, saisis par
    le magasin : le PDF se produit ; le long texte est coupé avec un renvoi au téléchargement Excel, qui
    le garde entier ; le balisage s'imprime tel quel."""
    long = ("Bilan de la rentrée : les familles reçues au guichet l'ont dit, la fréquentation augmente. " * 60)[:4990] + " FIN-TEXTE"
    assert len(long) == 5000
    balisage = "Ouvert <b>le samedi</b> & <font color=red>dimanche</font> </para> &amp; <br/>"
    magasin.enregistrer_valeur(editeur, PLAN, "PE1-I1", "Dijon", "2025", valeur_texte="en hausse", commentaire=long,
                               source="Comptage", version_vue=0)
    magasin.enregistrer_valeur(editeur, PLAN, "PE2-I1", "Dijon", "2025", valeur_texte="stable", commentaire=balisage,
                               source="Comptage <i>interne</i>", version_vue=0)
    tableau = recap.tableau_annuel(plan_dijon, magasin.valeurs_courantes(PLAN), magasin.statuts_manuels(PLAN), 2025)
    pages = texte_pdf(recap.en_pdf(tableau, plan_dijon, 2025, ["CTG"], edite_le=dt.date(2026, 1, 15)))
    tout = " ".join(pages)
    compact = re.sub(r"\s+", "", tout)
    assert "Bilan de la rentrée" in tout
    assert "FIN-TEXTE" not in compact  # coupé…
    assert re.sub(r"\s+", "", "texte coupé : 5 000 caractères en tout ; le texte entier est dans le téléchargement "
                  "Excel ou CSV du tableau") in compact  # … avec un renvoi explicite
    assert "sont coupées ici" in tout
    assert re.sub(r"\s+", "", balisage) in compact and "Comptage<i>interne</i>" in compact
    assert all(f"page {n} / {len(pages)}" in p for n, p in enumerate(pages, start=1))
    # L'Excel garde le texte entier.
    classeur = openpyxl.load_workbook(io.BytesIO(recap.en_xlsx(tableau, plan_dijon, 2025, ["CTG"])))
    assert long in {c.value for ligne in classeur.worksheets[0].iter_rows() for c in ligne}


def test_pdf_cellule_sous_la_limite_entiere():
    texte = "mot " * 370 + "FIN"  # 1 483 caractères : sous la limite, gardé entier (coupé d'une page à l'autre)
    assert len(texte) <= recap.LONGUEUR_MAX_PDF
    assert recap.couper_pour_pdf(texte) == texte
    coupe = recap.couper_pour_pdf("x" * 3000)
    assert coupe.startswith("x" * recap.LONGUEUR_MAX_PDF) and "3 000 caractères" in coupe.replace("\xa0", " ")


# --- Restauration : valeurs invalides refusées --------------------------------------------------------
@pytest.fixture
def sauvegarde_valide(magasin, editeur):
    magasin.enregistrer_valeur(editeur, PLAN, "PE4-I1", "Dijon", "2025", valeur=12.5, source="Comptage", version_vue=0)
    magasin.corriger_equipement(editeur, "EAJE-02", motif="Capacité", capacite=40)
    return json.loads(json.dumps(sauvegarde.exporter(magasin)))


@pytest.mark.parametrize("table,champ,valeur,message", [
    ("valeurs", "valeur", float("inf"), "Nombre infini, indéfini ou trop grand"),
    ("valeurs", "valeur", float("-inf"), "Nombre infini"),
    ("valeurs", "valeur", float("nan"), "Nombre infini, indéfini"),
    ("valeurs", "valeur", 10**400, "trop grand"),
    ("valeurs", "valeur", "abc", "un nombre est attendu"),
    ("valeurs", "valeur", True, "un nombre est attendu"),
    ("valeurs", "version", "1", "un nombre entier est attendu"),
    ("valeurs", "version", 2**40, "hors des bornes"),
    ("valeurs", "commentaire", 12, "un texte est attendu"),
    ("valeurs", "commentaire", "nul\x00", "Caractère nul"),
    ("valeurs", "indicateur", "x" * 101, "100 au plus"),
    ("corrections_equipements", "capacite", 40.5, "un nombre entier est attendu"),
    ("comptes", "actif", "oui", "vrai ou faux"),
])
def test_restauration_refuse_une_valeur_invalide(sauvegarde_valide, tmp_path, table, champ, valeur, message):
    """Un fichier de sauvegarde retouché (un infini, « abc » dans un champ numérique…) : refusé avec un
    message en français qui nomme la table, le champ et la ligne ; rien n'est restauré. Avant : SQLite
    gardait « abc » ou l'infini, et la page « Plan d'actions » échouait ensuite pour tout le monde."""
    donnees = json.loads(json.dumps(sauvegarde_valide))
    donnees["tables"][table][0][champ] = valeur
    # Comme le lirait ``sauvegarde.lire`` : Infinity et NaN sont acceptés par le module json.
    donnees = json.loads(json.dumps(donnees))
    cible = Stockage(f"sqlite:///{tmp_path / 'restauree.sqlite3'}")
    with pytest.raises(FichierInvalide, match=re.escape(message)) as erreur:
        sauvegarde.restaurer(cible, donnees)
    assert f"« {table}.{champ} » (ligne 1)" in str(erreur.value) and "Rien n'a été restauré" in str(erreur.value)
    assert not any(sauvegarde.exporter(cible)["tables"].values())  # rien n'a été restauré
    cible.moteur.dispose()


def test_restauration_depuis_un_fichier_json_avec_infinity(sauvegarde_valide, tmp_path):
    """« Infinity » écrit dans le fichier (JSON non standard, que Python lit) : refusé par la ligne de commande."""
    texte = json.dumps(sauvegarde_valide).replace('"valeur": 12.5', '"valeur": Infinity')
    assert "Infinity" in texte
    fichier = tmp_path / "sauvegarde.json"
    fichier.write_text(texte, encoding="utf-8")
    assert sauvegarde.main(["restaurer", str(fichier), "--base", f"sqlite:///{tmp_path / 'r.sqlite3'}"]) == 1


# --- Aucune pile d'appels pour personne -------------------------------------------------------------
def test_configuration_sans_detail_d_erreur():
    """``client.showErrorDetails`` : « none » (ni message, ni type, ni pile) — une valeur que Streamlit 1.67
    accepte (``false`` voudrait dire « stacktrace »)."""
    from streamlit import config

    reglages = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert reglages["client"]["showErrorDetails"] == "none"
    assert reglages["client"]["showErrorDetails"] in {o.value for o in config.ShowErrorDetailsConfigOptions}


def test_page_qui_echoue_message_en_francais_et_journal(monkeypatch, caplog):
    """Une erreur inattendue dans une page : message en français, aucun détail à l'écran, pile d'appels
    dans le journal du serveur."""
    def panne(*args, **kwargs):
        raise RuntimeError("détail secret : SELECT empreinte FROM comptes")

    monkeypatch.setattr(recap, "tableau_annuel", panne)
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    at.run()
    with caplog.at_level(logging.ERROR, logger="ctg.pages"):
        at.switch_page("pages/vues/recapitulatif.py").run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert any(m.startswith("Une erreur inattendue") and "Réessayez" in m and "journal du serveur" in m for m in messages)
    affiche = "\n".join(messages + [m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "secret" not in affiche and "Traceback" not in affiche and "RuntimeError" not in affiche
    (enregistrement,) = [r for r in caplog.records if r.name == "ctg.pages"]
    assert enregistrement.exc_info and "détail secret" in str(enregistrement.exc_info[1])
    assert "recapitulatif" in enregistrement.getMessage()


def test_st_stop_et_st_rerun_passent_toujours():
    """Les exceptions de contrôle de Streamlit ne sont pas prises pour des erreurs : le portrait sans
    quartier s'arrête (st.stop) sans message d'erreur, puis le choix d'un quartier relance la page
    (st.rerun)."""
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/vues/portrait.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Portrait de quartier"
    at.selectbox(key="portrait_choix").select("Grésilles").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Portrait de quartier — Grésilles"


# --- Markdown : le texte reste du texte, sur toutes les pages ----------------------------------------
CHAMPS_MARKDOWN = {"body", "label", "help", "delta"}


def textes_lus_comme_markdown(at) -> list[str]:
    """Chaque texte que Streamlit lit comme du Markdown dans l'exécution : markdown, légendes, messages,
    titres, métriques (libellé, valeur, écart), libellés et aides des widgets, titres des volets et
    onglets, options d'un st.radio. Les tableaux et les options d'une liste déroulante (texte brut) n'y
    sont pas."""
    trouves: list[str] = []

    def lire(message, radio: bool = False) -> None:
        for champ, valeur in message.ListFields():
            if champ.type == champ.TYPE_MESSAGE:
                for sous in (valeur if not hasattr(valeur, "ListFields") else [valeur]):
                    lire(sous, radio or champ.name == "radio")
            elif champ.type == champ.TYPE_STRING:
                if champ.name in CHAMPS_MARKDOWN or (radio and champ.name == "options"):
                    trouves.extend([valeur] if isinstance(valeur, str) else list(valeur))

    def visiter(noeud) -> None:
        proto = getattr(noeud, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            lire(proto, radio=type(proto).__name__ == "Radio")
        for enfant in getattr(noeud, "children", {}).values():
            visiter(enfant)

    visiter(at._tree)
    return trouves


def verifier_textes(at, contexte: str) -> str:
    assert not at.exception, [e.value for e in at.exception]
    textes = textes_lus_comme_markdown(at)
    fautifs = [t for t in textes if DOMAINE in t]
    assert not fautifs, f"{contexte} : texte lu comme du Markdown sans être échappé : {fautifs}"
    return "\n".join(textes)


@pytest.fixture
def donnees_piegees(dossier_donnees):
    """Une copie de data/ dont les noms et textes (plan, territoire, équipements) portent un lien et une image."""
    import yaml

    fichier = dossier_donnees / "plans" / PLAN / "plan.yaml"
    plan = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    plan["titre_court"] = f"CTG {LIEN}"
    plan["fiches"][0]["titre"] = f"Fiche {IMAGE}"
    plan["fiches"][0]["pilote"] = f"Pilote {LIEN}"
    plan["fiches"][0]["indicateurs"][0]["libelle"] = f"Indicateur {IMAGE}"
    plan["axes"][0]["titre"] = f"Axe {IMAGE}"
    fichier.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    equipements = dossier_donnees / "equipements.csv"
    df = pd.read_csv(equipements, dtype=str, keep_default_na=False)
    df.loc[0, "nom"] = f"Crèche {IMAGE}"
    df.to_csv(equipements, index=False)
    return dossier_donnees


def test_textes_pieges_restent_du_texte_sur_toutes_les_pages(magasin, editeur, donnees_piegees):
    """Un lien et une image Markdown dans chaque texte d'éditeur (valeur, commentaire, source, motif de
    statut, motif de correction, nom), dans l'adresse (?quartier=, ?plan=) et dans les noms des données :
    sur chaque page, aucun de ces textes n'est lu comme du Markdown sans être échappé."""
    piege = f"{LIEN} {IMAGE}"
    magasin.creer_compte("agent2", f"Agent {piege}", MOT_DE_PASSE)
    agent2 = magasin.authentifier("agent2", MOT_DE_PASSE)
    magasin.enregistrer_valeur(agent2, PLAN, "PE1-I1", "Dijon", "2025", valeur_texte=piege, commentaire=piege,
                               source=piege, version_vue=0)
    magasin.fixer_statut(agent2, PLAN, "PE1-I1", "abandonné", piege)
    magasin.corriger_equipement(agent2, "EAJE-01", motif=piege, capacite=12)
    for page, parametres in [
        ("accueil", {"quartier": LIEN}), ("accueil", {"quartier": "gresilles", "plan": IMAGE}),
        ("carte", {"quartier": LIEN}), ("portrait", {"quartier": "gresilles"}), ("plan", {}),
        ("recapitulatif", {}), ("acteurs", {}), ("seminaire", {}), ("donnees", {}), ("contexte", {}),
    ]:
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=120)
        for cle, valeur in parametres.items():
            at.query_params[cle] = valeur
        at.run()
        verifier_textes(at, f"{page} (accueil) {parametres}")
        if page != "accueil":
            at.switch_page(f"pages/vues/{page}.py").run()
        tout = verifier_textes(at, f"{page} {parametres}")
        if page == "accueil" and "plan" not in parametres:
            assert "Le quartier « \\[Votre session a expiré \\: reconnectez\\-vous ici\\]\\(http\\:\u2060//piege\\.example" in tout
        if page == "plan":
            at.selectbox(key="plan_fiche").select(plan_premiere_fiche(at)).run()
            tout = verifier_textes(at, "plan, fiche choisie")
            assert "\\!\\[\\]\\(http\\:\u2060//piege\\.example/pixel\\.png\\)" in tout  # motif du statut, échappé
    # La page de saisie, pour l'éditeur dont le nom est piégé.
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=120)
    at.session_state["_identite"] = agent2
    at.run()
    at.switch_page("pages/vues/saisie.py").run()
    verifier_textes(at, "saisie")
    for onglet in range(len(at.tabs)):
        verifier_textes(at, f"saisie, onglet {onglet}")


def test_message_de_conflit_cite_la_valeur_de_l_autre_editeur_comme_texte(magasin, editeur):
    """Conflit : le message cite la valeur que l'autre éditeur a tapée (une image Markdown) ; elle
    s'affiche comme du texte (avant : l'image était chargée chez la personne qui lisait le message)."""
    magasin.creer_compte("agent2", "Agent Deux", MOT_DE_PASSE)
    autre = magasin.authentifier("agent2", MOT_DE_PASSE)
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    at.session_state["_identite"] = editeur
    at.run()
    at.switch_page("pages/vues/saisie.py").run()
    at.selectbox(key="une_indicateur").select("PE1-I1").run()  # sans unité : un texte est accepté
    at.text_input(key="une_periode").set_value("2025").run()
    magasin.enregistrer_valeur(autre, PLAN, "PE1-I1", "Dijon", "2025", valeur_texte=f"en hausse {IMAGE}",
                               source="s", version_vue=0)  # l'autre éditeur passe avant
    [e for e in at.text_input if e.label == "Valeur"][-1].input("stable")
    [e for e in at.text_input if e.label == "Source (obligatoire)"][-1].input("Bilan")
    [b for b in at.button if b.label == "Enregistrer la valeur"][-1].click().run()
    verifier_textes(at, "saisie, conflit")
    message = at.error[0].value
    assert "Conflit de saisie" in message and "en hausse \\!\\[\\]\\(http\\:\u2060//piege\\.example" in message


def plan_premiere_fiche(at) -> str:
    return at.selectbox(key="plan_fiche").options[0].split(" — ")[0]


def test_echapper_pour_le_html():
    """``ui.echapper`` (texte dans du HTML du mode séminaire) : ni balise, ni Markdown, ni ligne vide."""
    import html

    from pages.ui.widgets import echapper, texte_brut

    texte = f"a\n\n{LIEN} <img src=x onerror=alert(1)> & « é »"
    sortie = echapper(texte)
    assert "<" not in sortie.replace("<br>", "") and "\n" not in sortie  # reste dans son bloc HTML
    assert html.unescape(sortie.replace("<br>", "\n")) == texte
    assert DOMAINE not in texte_brut(texte)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40) | st.sampled_from(["http://a.b", "HTTPS://x", "www.x.fr", "a@b.fr", "_www.x", "[a](http://b)"]))
def test_texte_brut_fuzz(texte):
    """Quel que soit le texte, une fois échappé : aucun signe Markdown actif (chaque signe spécial est
    précédé d'une barre oblique inverse), et retirer les échappements rend le texte d'origine."""
    from pages.ui.widgets import GLUON, SPECIAUX_MARKDOWN, texte_brut

    sortie = texte_brut(texte)
    i = 0
    rendu = []
    while i < len(sortie):
        if sortie[i] == "\\":
            assert sortie[i + 1] in SPECIAUX_MARKDOWN
            rendu.append(sortie[i + 1])
            i += 2
        else:
            assert sortie[i] not in SPECIAUX_MARKDOWN
            rendu.append(sortie[i])
            i += 1
    rendu = "".join(rendu)  # le texte que Markdown lit, une fois les échappements résolus
    assert rendu.replace(GLUON, "") == texte.replace(GLUON, "")
    # Aucune adresse écrite seule que GitHub Markdown changerait en lien : http://, www., nom@domaine.
    assert not re.search(r"(?i)https?://|www\.|@[-\w]", rendu)
