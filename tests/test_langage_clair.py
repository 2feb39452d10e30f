"""Langage clair (ticket 13, point 4) : ce qu'un lecteur voit sur chaque page ne contient ni nom de
fichier de ``../shared``, ni chemin ``socio/`` ou ``geo/``, ni code de colonne, ni « None », « nan »,
ni mot anglais d'une liste.

Le texte balayé : titres, en-têtes, markdown, légendes, métriques (libellé et valeur), messages,
étiquettes des sections dépliables et cellules des tableaux. Les références techniques ont leur place
sur la page « Données et sources » (exemptée, et elle seule) ou derrière un dépliant « Détail de la
source » (ou « Détail technique ») : le contenu de ces dépliants n'est pas balayé.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import ouvrir_page

# Dépliants où la référence technique est à sa place.
DEPLIANTS_TECHNIQUES = ("Détail de la source", "Détail technique", "Détail des sources")

INTERDITS = [
    (re.compile(r"\d{3}_[0-9a-f]{16}\.txt"), "nom de fichier de ../shared"),
    (re.compile(r"\b(?:socio|geo)/[\w./-]+"), "chemin de fichier"),
    (re.compile(r"[\w-]+\.csv\b"), "nom de fichier CSV"),
    (re.compile(r"\b(?:DISP|DEC|TP60|NB|P\d{2}|C\d{2})_[A-Z0-9_]+\b"), "code de colonne"),
    (re.compile(r"\bDISP_[A-Z]+"), "code de colonne"),
    (re.compile(r"\b(?:None|nan|NaN|null|True|False|Error)\b"), "valeur ou mot technique"),
    (re.compile(r"Page not found"), "anglais"),
    (re.compile(r"\(approx\.\)|non agrégeable|libellé du dépôt|Corrections OCR|SOURCES\.md"), "libellé interne"),
]

PAGES = [
    pytest.param(None, {}, id="accueil"),
    pytest.param(None, {"plan": "ctg-gevrey-nuits-2023-2026"}, id="accueil-gevrey"),
    pytest.param("carte", {}, id="carte"),
    pytest.param("carte", {"quartier": "gresilles"}, id="carte-gresilles"),
    pytest.param(None, {"quartier": "fontaine-d-ouche"}, id="accueil-fontaine-d-ouche"),
    pytest.param("contexte", {"quartier": "gresilles"}, id="contexte-gresilles"),
    pytest.param("contexte", {}, id="contexte"),
    pytest.param("portrait", {"quartier": "gresilles"}, id="portrait-gresilles"),
    pytest.param("plan", {}, id="plan"),
    pytest.param("plan", {"plan": "ctg-gevrey-nuits-2023-2026"}, id="plan-gevrey"),
    pytest.param("recapitulatif", {}, id="recapitulatif"),
    pytest.param("acteurs", {}, id="acteurs"),
    pytest.param("seminaire", {}, id="seminaire"),
]


def _valeurs_tableau(element) -> list[str]:
    try:
        df = element.value
    except Exception:  # noqa: BLE001 - un élément sans valeur lisible n'a rien à montrer
        return []
    df = getattr(df, "data", df)  # Styler -> DataFrame
    if not isinstance(df, pd.DataFrame):
        return [str(df)]
    textes = [str(c) for c in df.columns]
    for colonne in df.columns:
        textes += [str(v) for v in df[colonne].tolist()]
    return textes


def textes_visibles(noeud) -> list[str]:
    """Le texte que voit le lecteur sous ``noeud`` (arbre AppTest), sans le contenu des dépliants techniques."""
    type_ = getattr(noeud, "type", "")
    textes: list[str] = []
    if type_ in ("expander", "expandable", "popover"):
        libelle = getattr(noeud, "label", "") or ""
        if libelle.startswith(DEPLIANTS_TECHNIQUES):
            return []
        textes.append(libelle)
    elif type_ in ("markdown", "caption", "title", "header", "subheader", "text", "info", "warning", "error", "success", "exception", "toast"):
        textes.append(str(getattr(noeud, "value", "")))
    elif type_ == "metric":
        textes += [str(noeud.label), str(noeud.value), str(getattr(noeud, "delta", "") or "")]
    elif type_ in ("dataframe", "table", "arrow_data_frame"):
        textes += _valeurs_tableau(noeud)
    elif type_ in ("tab",):
        textes.append(str(getattr(noeud, "label", "")))
    for enfant in getattr(noeud, "children", {}).values() if isinstance(getattr(noeud, "children", None), dict) else []:
        textes += textes_visibles(enfant)
    return textes


def problemes(textes: list[str]) -> list[str]:
    trouves = []
    for texte in textes:
        texte = re.sub(r"\\(.)", r"\1", texte)  # échappements markdown (« 000\_6464….txt »)
        for motif, nature in INTERDITS:
            for m in motif.finditer(texte):
                debut = max(0, m.start() - 60)
                trouves.append(f"{nature} : {m.group(0)!r} dans « …{texte[debut:m.end() + 40]}… »")
    return trouves


@pytest.mark.parametrize(("page", "query"), PAGES)
def test_aucun_jargon_sur_la_page(page, query):
    at = ouvrir_page(page, **query)
    textes = textes_visibles(at._tree)
    assert textes, "aucun texte relevé : le balayage ne voit pas la page"
    trouves = problemes(textes)
    assert not trouves, "\n".join(dict.fromkeys(trouves))


def test_le_balayage_voit_les_fautes():
    assert problemes(["(ligne 145) (002_e8b9c2145bef99c1.txt)"])
    assert problemes(["socio/iris/filosofi_iris_2021_disp_cotedor.csv (colonne DISP_TP6021)"])
    assert problemes(["None"]) and problemes(["nan"]) and problemes(["Page not found"])
    assert problemes([r"CTG, Annexe 3 \(000\_6464dfed2d3d1a29\.txt, ligne 544\)"])
    assert problemes(["quartier (approx.)"])
    assert not problemes(["Convention CTG 2024-2027, Annexe 3, fiche PE1", "INSEE, Filosofi 2021"])


def test_precautions_de_chaque_indicateur_en_mots():
    """La page Contexte social montre les précautions de l'indicateur choisi (une seule à l'ouverture) :
    celles de tous les indicateurs sont balayées ici ; la note technique (``detail``) va au dépliant."""
    from tests.conftest import DONNEES

    dico = pd.read_csv(DONNEES / "social_indicateurs.csv", dtype=str)
    textes = [t for c in ("libelle", "definition", "source", "precautions") for t in dico[c].dropna()]
    trouves = problemes(textes)
    assert not trouves, "\n".join(dict.fromkeys(trouves))


def test_aucun_jargon_sur_les_diapositives():
    """Chaque diapositive du séminaire (parcours borné), pas seulement la première."""
    at = ouvrir_page("seminaire")
    trouves = []
    for numero in range(1, 61):
        trouves += [f"diapositive {numero} : {p}" for p in problemes(textes_visibles(at._tree))]
        suivante = at.button(key="diapo_suivante")
        if suivante.disabled:
            break
        suivante.click().run()
    assert not trouves, "\n".join(dict.fromkeys(trouves))


@pytest.mark.parametrize(("page", "query", "bouton", "cle"), [
    pytest.param("portrait", {"quartier": "gresilles"}, "portrait_pdf_preparer", "portrait_pdf_octets", id="portrait"),
    pytest.param("recapitulatif", {}, "recap_pdf_preparer", "recap_pdf_octets", id="recapitulatif"),
    pytest.param("seminaire", {}, "diapo_pdf_preparer", "seminaire_pdf", id="seminaire"),
])
def test_aucun_jargon_dans_les_pdf(page, query, bouton, cle):
    """Chaque PDF, produit par le bouton de sa page, lu par son texte (pypdf)."""
    import io

    from pypdf import PdfReader

    at = ouvrir_page(page, **query)
    at.button(key=bouton).click().run()
    assert not at.exception, [e.value for e in at.exception]
    octets = at.session_state[cle]
    octets = octets[1] if isinstance(octets, tuple) else octets
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(octets)).pages]
    assert pages and any(pages)
    # pypdf coupe les lignes : on les rejoint pour qu'un nom de fichier coupé en fin de ligne soit vu.
    textes = [" ".join(pages), "".join(p.replace("\n", "") for p in pages)]
    trouves = problemes(textes)
    assert not trouves, "\n".join(dict.fromkeys(trouves))


def test_aucun_jargon_pour_chaque_indicateur_du_contexte_social():
    """La page Contexte social pour chaque indicateur (précautions, tableau, notes), pas seulement le premier."""
    at = ouvrir_page("contexte")
    choix = at.selectbox(key="contexte_indicateur")
    trouves = []
    for rang, code in enumerate(choix.options):
        at.selectbox(key="contexte_indicateur").select_index(rang).run()
        assert not at.exception, [e.value for e in at.exception]
        trouves += [f"{code} : {p}" for p in problemes(textes_visibles(at._tree))]
    assert not trouves, "\n".join(dict.fromkeys(trouves))


def test_aucun_jargon_sur_le_portrait_de_chaque_quartier():
    from tests.conftest import DONNEES

    trouves = []
    for quartier in pd.read_csv(DONNEES / "quartiers.csv", dtype=str)["id"]:
        at = ouvrir_page("portrait", quartier=quartier)
        trouves += [f"{quartier} : {p}" for p in problemes(textes_visibles(at._tree))]
    assert not trouves, "\n".join(dict.fromkeys(trouves))


@pytest.mark.parametrize("query", [{}, {"plan": "ctg-gevrey-nuits-2023-2026"}], ids=["dijon", "gevrey"])
def test_aucun_jargon_pour_chaque_fiche_du_plan(query):
    """Le détail de chaque fiche (source, indicateurs), pas seulement celui de la première. Une
    application neuve par fiche, la fiche choisie d'avance (AppTest garde sinon l'indicateur de la fiche
    précédente, absent des choix de la suivante)."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import RACINE

    fiches = [o.split(" — ")[0] for o in ouvrir_page("plan", **query).selectbox(key="plan_fiche").options]
    trouves = []
    for fiche in fiches:
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
        at.session_state["plan_fiche"] = fiche
        for cle, valeur in query.items():
            at.query_params[cle] = valeur
        at.run()
        at.switch_page("pages/vues/plan.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="plan_fiche").value == fiche
        trouves += [f"{fiche} : {p}" for p in problemes(textes_visibles(at._tree))]
    assert len(fiches) > 1
    assert not trouves, "\n".join(dict.fromkeys(trouves))
