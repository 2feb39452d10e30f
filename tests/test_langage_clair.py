"""Langage clair (ticket 13, point 4) : ce qu'un lecteur voit sur chaque page, dans chaque diapositive,
chaque PDF et chaque fichier téléchargé (CSV, Excel) ne contient ni nom de fichier de ``../shared``
(ni autre nom de fichier ou chemin), ni code de colonne (DISP_TP6021, P21_POP) ou nom technique
(taux_pauvrete), ni « None », « nan », « NaN », ni mot anglais d'une liste.

Le texte balayé : titres, en-têtes, markdown, légendes, métriques (libellé, valeur, aide), messages,
étiquettes des sections dépliables et des onglets, cellules des tableaux, libellés, aides, choix et textes
d'attente des widgets (listes, boutons, champs), texte des blocs HTML (sans leur feuille de style), titres
des axes, légendes et infobulles des graphiques (un champ sans titre y montre son nom technique, un compte
sans titre « Count of Records »). Les références techniques ont leur place sur la page « Données et
sources » (exemptée pour les noms de fichiers et les codes, pas pour « None », « nan » ni l'anglais) ou
derrière un dépliant « Détail de la source » (ou « Détail technique ») : le contenu de ces dépliants n'est
pas balayé ; dans un fichier téléchargé, la colonne (ou la ligne) « Détail de la source (fichier, ligne) ».
"""

from __future__ import annotations

import csv
import html as html_
import io
import json
import re

import pandas as pd
import pytest

from tests.conftest import ouvrir_page

# Dépliants où la référence technique est à sa place.
DEPLIANTS_TECHNIQUES = ("Détail de la source", "Détail technique", "Détail des sources")
DETAIL_EXPORT = "Détail de la source (fichier, ligne)"
GEVREY = "ctg-gevrey-nuits-2023-2026"

# Interdits partout, page « Données et sources » comprise : valeurs manquantes écrites par Python ou
# pandas, mots techniques, anglais de l'interface (Streamlit, navigateur, Vega-Lite). Liste réglée sur
# le texte réel des pages : aucun de ces mots n'y est français (« Total », « Type », « Source » le sont,
# ils n'y figurent pas ; « turn over » du plan signé non plus).
ANGLAIS = (
    "Page not found", "Loading", "Download", "Upload", "Error", "Warning", "Search", "Show", "Hide", "Select",
    "Choose", "Submit", "Cancel", "Close", "Running", "Browse files", "Drag and drop", "No data", "No results",
    "Clear", "Settings", "Traceback", "Exception", "Deploy", "Rerun", "Untitled", "Click", "Please", "Next",
    "Previous", "Yes", "Count of Records", "Sum of", "Mean of", "Edit", "Delete", "Save", "Print", "Export",
    "Filter", "Sort", "Open", "Home", "Back", "Value", "Name", "Date of", "Year", "Number of", "Records",
)
INTERDITS_PARTOUT = [
    (re.compile(r"\b(?:None|nan|NaN|NaT|null|undefined|true|false|True|False|Infinity|inf)\b|<NA>"),
     "valeur ou mot technique"),
    (re.compile(r"\b(?:" + "|".join(re.escape(m) for m in ANGLAIS) + r")\b"), "anglais"),
]
INTERDITS = [
    (re.compile(r"\d{3}_[0-9a-f]{16}\.txt"), "nom de fichier de ../shared"),
    (re.compile(r"\b(?:socio|geo|data|iris|qpv|commune)/[\w./-]*"), "chemin de fichier"),
    (re.compile(r"[\w-]+\.(?:csv|geojson|json|txt|md|ya?ml|py|parquet)\b"), "nom de fichier"),
    (re.compile(r"\b(?:DISP|DEC|TP60|NB|P\d{2}|C\d{2})_[A-Z0-9_]+\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"), "code de colonne"),
    (re.compile(r"\bDISP_[A-Z]+|\bcolonnes? [A-Z][A-Z0-9_]{2,}\b"), "code de colonne"),
    (re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"), "nom technique"),
    (re.compile(r"\(approx\.\)|non agrégeable|libellé du dépôt|Corrections OCR|SOURCES\.md"), "libellé interne"),
] + INTERDITS_PARTOUT

PAGES_LECTEUR = [None, "carte", "contexte", "portrait", "plan", "recapitulatif", "acteurs", "seminaire"]
VARIANTES = {"dijon": {}, "gevrey": {"plan": GEVREY}, "gresilles": {"quartier": "gresilles"},
             "gevrey-commune": {"plan": GEVREY, "commune": "21295"},
             "contrat-de-ville": {"plan": "contrat-de-ville-dijon-metropole-2019-2022"}}
PAGES = [pytest.param(page, query, id=f"{page or 'accueil'}-{nom}")
         for page in PAGES_LECTEUR for nom, query in VARIANTES.items()] + [
    pytest.param(None, {"quartier": "fontaine-d-ouche"}, id="accueil-fontaine-d-ouche"),
    pytest.param("portrait", {"quartier": "fontaine-d-ouche", "plan": GEVREY}, id="portrait-fontaine-d-ouche-gevrey"),
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
        if getattr(element, "type", "") == "dataframe" and pd.api.types.is_bool_dtype(df[colonne].dtype):
            continue  # st.dataframe montre une case à cocher, pas « True »
        # st.dataframe montre une cellule vide « None » : str(NaN) donne « nan », relevé aussi
        textes += [str(v) for v in df[colonne].tolist()]
    return textes


_BALISE = re.compile(r"</?(?:span|div|p|br|b|i|u|strong|em|a|ul|ol|li|table|thead|tbody|tr|td|th|small|sup|sub|abbr"
                     r"|img|svg|path|rect|circle|g|figure|figcaption|section|header|footer|nav|details|summary"
                     r"|h[1-6]|hr|code|kbd|mark|label)\b[^>]*>", re.I)


def _texte_html(code: str) -> str:
    """Le texte d'un bloc HTML (ou d'un markdown qui en contient) : sans feuille de style, sans balises
    ni attributs (« aria-hidden="true" » n'est pas lu)."""
    code = re.sub(r"<(style|script)\b.*?</\1\s*>", " ", code, flags=re.S | re.I)
    return html_.unescape(_BALISE.sub(" ", code))


def textes_graphique(spec: dict) -> list[str]:
    """Ce qu'un graphique Vega-Lite écrit : titres, titres des axes, légendes et infobulles. Un canal sans
    titre montre le nom de son champ (« nom_zone ») ou, pour un compte, « Count of Records »."""
    textes: list[str] = []

    def parcourir(noeud):
        if isinstance(noeud, dict):
            for cle, valeur in noeud.items():
                if cle in ("datasets", "data", "config", "$schema", "params", "transform"):
                    continue
                if cle == "title" and isinstance(valeur, (str, list)):
                    textes.extend([valeur] if isinstance(valeur, str) else [str(v) for v in valeur])
                elif cle == "encoding" and isinstance(valeur, dict):
                    for canal, definitions in valeur.items():
                        if canal in ("order", "detail", "key", "href", "description"):
                            continue
                        for d in definitions if isinstance(definitions, list) else [definitions]:
                            if not isinstance(d, dict) or ("field" not in d and "aggregate" not in d):
                                continue
                            if "title" in d:
                                if isinstance(d["title"], str):
                                    textes.append(d["title"])
                            elif d.get("aggregate") == "count":
                                textes.append("Count of Records")
                            elif d.get("aggregate"):
                                textes.append(f"{d['aggregate']} of {d.get('field', '')}")
                            else:
                                textes.append(str(d.get("field", "")))
                            for sous in ("axis", "legend"):
                                if isinstance(d.get(sous), dict) and isinstance(d[sous].get("title"), str):
                                    textes.append(d[sous]["title"])
                else:
                    parcourir(valeur)
        elif isinstance(noeud, list):
            for v in noeud:
                parcourir(v)

    parcourir(spec)
    return textes


TYPES_TEXTE = ("markdown", "caption", "title", "header", "subheader", "text", "info", "warning", "error", "success",
               "exception", "toast")


def textes_visibles(noeud) -> list[str]:
    """Le texte que voit le lecteur sous ``noeud`` (arbre AppTest), sans le contenu des dépliants techniques."""
    type_ = getattr(noeud, "type", "")
    proto = getattr(noeud, "proto", None)
    textes: list[str] = []
    if type_ in ("expander", "expandable", "popover"):
        libelle = getattr(noeud, "label", "") or ""
        if libelle.startswith(DEPLIANTS_TECHNIQUES):
            return []
        textes.append(libelle)
    elif type_ in TYPES_TEXTE:
        textes.append(_texte_html(str(getattr(noeud, "value", ""))))
    elif type_ == "metric":
        textes += [str(noeud.label), str(noeud.value), str(getattr(noeud, "delta", "") or ""),
                   str(getattr(proto, "help", "") or "")]
    elif type_ in ("dataframe", "table", "arrow_data_frame"):
        textes += _valeurs_tableau(noeud)
    elif type_ == "tab":
        textes.append(str(getattr(noeud, "label", "")))
    elif type_ == "html":
        textes.append(_texte_html(str(getattr(proto, "body", "") or "")))
    elif type_ in ("vega_lite_chart", "arrow_vega_lite_chart"):
        textes += textes_graphique(json.loads(proto.spec))
    elif proto is not None and type_ not in ("component_instance", "iframe", "empty"):  # widgets
        for champ in ("label", "help", "placeholder"):
            valeur = getattr(proto, champ, None)
            if isinstance(valeur, str) and valeur:
                textes.append(valeur)
        options = getattr(proto, "options", None)
        if options is not None and not isinstance(options, str):
            try:
                textes += [str(o) for o in options]
            except TypeError:
                pass
    for enfant in getattr(noeud, "children", {}).values() if isinstance(getattr(noeud, "children", None), dict) else []:
        textes += textes_visibles(enfant)
    return textes


def problemes(textes: list[str], interdits=None) -> list[str]:
    trouves = []
    for texte in textes:
        texte = re.sub(r"\\(.)", r"\1", texte)  # échappements markdown (« 000\_6464….txt »)
        for motif, nature in interdits or INTERDITS:
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
    # codes de colonnes, noms techniques, fichiers, valeurs manquantes, anglais
    for faute in ("P21_POP", "taux_pauvrete", "colonne ACAVENF", "qpv_2024_cote_d_or.geojson", "NaN", "<NA>",
                  "NaT", "False", "null", "Choose options", "Loading…", "Count of Records", "Download",
                  "Voir SOURCES.md", "data/equipements.csv"):
        assert problemes([faute]), faute
    for faute in ("None", "nan", "NaN", "<NA>", "NaT", "False", "null", "Choose options", "Count of Records"):
        assert problemes([faute], INTERDITS_PARTOUT), faute  # page « Données et sources » comprise
    assert not problemes(["Convention CTG 2024-2027, Annexe 3, fiche PE1", "INSEE, Filosofi 2021",
                          "Taux de turn over", "Total des fiches", "Type d'accueil", "Source : INSEE",
                          "Télécharger en CSV", "Classeur XLSX", "Exporter en PDF", "QN02103M", "1 234,5 €"])


def test_le_balayage_lit_widgets_html_et_graphiques():
    """Le relevé voit les libellés et choix des widgets, le texte d'un bloc HTML (pas sa feuille de style
    ni ses attributs) et les titres des graphiques : un champ sans titre y montre son nom technique."""
    from streamlit.testing.v1 import AppTest

    def script():
        import altair as alt
        import pandas as pd
        import streamlit as st

        st.selectbox("Choix None", ["taux_pauvrete", "nan"])
        st.button("Download", help="Loading")
        st.html("<style>.x { display: none; }</style><span aria-hidden='true'>Texte null</span>")
        df = pd.DataFrame({"nom_zone": ["a"], "valeur": [1.5]})
        st.altair_chart(alt.Chart(df).mark_bar().encode(x="count():Q", y="nom_zone:N",
                                                        tooltip=[alt.Tooltip("valeur:Q", title="Valeur")]))

    at = AppTest.from_function(script).run()
    textes = textes_visibles(at._tree)
    trouves = " ".join(problemes(textes))
    for attendu in ("'None'", "'taux_pauvrete'", "'nan'", "'Download'", "'Loading'", "'null'", "'nom_zone'",
                    "'Count of Records'"):
        assert attendu in trouves, (attendu, textes)
    assert "display" not in " ".join(textes) and "aria" not in " ".join(textes)


def test_precautions_de_chaque_indicateur_en_mots():
    """La page Contexte social montre les précautions de l'indicateur choisi (une seule à l'ouverture) :
    celles de tous les indicateurs sont balayées ici ; la note technique (``detail``) va au dépliant."""
    from tests.conftest import DONNEES

    dico = pd.read_csv(DONNEES / "social_indicateurs.csv", dtype=str)
    textes = [t for c in ("libelle", "definition", "source", "precautions") for t in dico[c].dropna()]
    trouves = problemes(textes)
    assert not trouves, "\n".join(dict.fromkeys(trouves))


@pytest.mark.parametrize("query", [{}, {"plan": GEVREY}], ids=["dijon", "gevrey"])
def test_aucun_jargon_sur_les_diapositives(query):
    """Chaque diapositive du séminaire de chaque plan (parcours borné), pas seulement la première."""
    at = ouvrir_page("seminaire", **query)
    trouves = []
    for numero in range(1, 61):
        trouves += [f"diapositive {numero} : {p}" for p in problemes(textes_visibles(at._tree))]
        suivante = at.button(key="diapo_suivante")
        if suivante.disabled:
            break
        suivante.click().run()
        assert not at.exception, [e.value for e in at.exception]
    assert numero > 3, "le parcours des diapositives s'est arrêté trop tôt"
    assert not trouves, "\n".join(dict.fromkeys(trouves))


def textes_pdf(octets: bytes) -> list[str]:
    """Le texte d'un PDF (pypdf), page par page, puis rejoint : un nom de fichier coupé en fin de ligne
    reste visible."""
    from pypdf import PdfReader

    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(octets)).pages]
    assert pages and any(pages), "PDF sans texte lisible"
    return pages + [" ".join(pages), "".join(p.replace("\n", "") for p in pages)]


@pytest.mark.parametrize(("page", "query", "bouton", "cle"), [
    pytest.param("portrait", {"quartier": "gresilles"}, "portrait_pdf_preparer", "portrait_pdf_octets", id="portrait"),
    pytest.param("portrait", {"quartier": "fontaine-d-ouche"}, "portrait_pdf_preparer", "portrait_pdf_octets",
                 id="portrait-fontaine-d-ouche"),
    pytest.param("recapitulatif", {}, "recap_pdf_preparer", "recap_pdf_octets", id="recapitulatif"),
    pytest.param("recapitulatif", {"plan": GEVREY}, "recap_pdf_preparer", "recap_pdf_octets", id="recapitulatif-gevrey"),
    pytest.param("seminaire", {}, "diapo_pdf_preparer", "seminaire_pdf", id="seminaire"),
    pytest.param("seminaire", {"plan": GEVREY}, "diapo_pdf_preparer", "seminaire_pdf", id="seminaire-gevrey"),
])
def test_aucun_jargon_dans_les_pdf(page, query, bouton, cle):
    """Chaque PDF (synthèse annuelle, portrait, séminaire), produit par le bouton de sa page, lu par son
    texte (pypdf)."""
    at = ouvrir_page(page, **query)
    at.button(key=bouton).click().run()
    assert not at.exception, [e.value for e in at.exception]
    octets = at.session_state[cle]
    octets = octets[1] if isinstance(octets, tuple) else octets
    trouves = problemes(textes_pdf(octets))
    assert not trouves, "\n".join(dict.fromkeys(trouves))


# --- Page « Données et sources » : fichiers et codes permis, pas « None », « nan » ni l'anglais -------
@pytest.mark.parametrize("query", list(VARIANTES.values()), ids=list(VARIANTES))
def test_donnees_et_sources_sans_valeur_manquante_ni_anglais(query):
    """La page des données brutes peut nommer fichiers et colonnes ; mais une cellule vide d'un tableau
    s'y affiche « None » dans le navigateur (st.dataframe), ce que le relevé voit (« nan », « None »)."""
    from tests.test_pages import chaque_onglet

    at = ouvrir_page("donnees", **query)
    trouves = []
    for titre in chaque_onglet(at):  # seul l'onglet ouvert est envoyé : chacun est ouvert à son tour
        textes = textes_visibles(at._tree)
        assert textes
        trouves += [f"{titre} : {p}" for p in problemes(textes, INTERDITS_PARTOUT)]
    assert not trouves, "\n".join(dict.fromkeys(trouves))


# --- Textes d'attente des listes : sinon Streamlit écrit « Choose options » ---------------------------
@pytest.mark.parametrize("page", PAGES_LECTEUR + ["donnees"], ids=lambda p: p or "accueil")
def test_listes_sans_texte_d_attente_anglais(page):
    """Une liste à choix multiples vidée par le lecteur, ou une liste sans choix d'avance, affiche son
    texte d'attente ; s'il n'est pas donné, Streamlit écrit « Choose options » / « Choose an option »."""
    at = ouvrir_page(page)
    fautes = []

    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)

    for element in parcourir(at._tree):
        type_ = getattr(element, "type", "")
        if type_ == "multiselect" and not element.proto.placeholder:
            fautes.append(f"liste « {element.proto.label} » : « Choose options » quand elle est vide")
        if type_ == "selectbox" and element.value is None and not element.proto.placeholder:
            fautes.append(f"liste « {element.proto.label} » : « Choose an option »")
    assert not fautes, fautes


# --- Fichiers téléchargés (CSV, Excel) --------------------------------------------------------------
def textes_csv(octets: bytes) -> list[str]:
    """Les cellules d'un CSV pour tableur (point-virgule, UTF-8 avec BOM), sans la colonne « Détail de
    la source (fichier, ligne) »."""
    assert octets.startswith(b"\xef\xbb\xbf"), "CSV sans BOM UTF-8"
    lignes = list(csv.reader(io.StringIO(octets.decode("utf-8-sig")), delimiter=";"))
    textes, exclue = [], None
    for ligne in lignes:
        if DETAIL_EXPORT in ligne:
            exclue = ligne.index(DETAIL_EXPORT)
        textes += [c for i, c in enumerate(ligne) if i != exclue]
    return textes


def textes_xlsx(octets: bytes) -> list[str]:
    """Les cellules de chaque feuille d'un classeur (openpyxl), noms de feuilles compris, sans la colonne
    ni la ligne « Détail de la source (fichier, ligne) »."""
    import openpyxl

    classeur = openpyxl.load_workbook(io.BytesIO(octets))
    textes = list(classeur.sheetnames)
    for feuille in classeur.worksheets:
        exclue = None
        for ligne in feuille.iter_rows(values_only=True):
            if ligne and ligne[0] == DETAIL_EXPORT:
                continue  # feuille « Source » : la ligne du détail
            if DETAIL_EXPORT in ligne:
                exclue = ligne.index(DETAIL_EXPORT)
            textes += [str(v) for i, v in enumerate(ligne) if i != exclue and v is not None]
    return textes


def telechargements_de_la_page(monkeypatch, page, query) -> dict[str, bytes]:
    """Les fichiers offerts par les boutons de téléchargement de la page (produits comme au clic)."""
    from streamlit.delta_generator import DeltaGenerator

    boutons = {}
    original = DeltaGenerator.download_button

    def download_button(dg, label, data, *args, **kwargs):
        boutons[kwargs.get("file_name") or label] = data
        return original(dg, label, data, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(DeltaGenerator, "download_button", download_button)
        at = ouvrir_page(page, **query)
        if page == "donnees":  # seul l'onglet ouvert a ses boutons : chaque onglet est ouvert à son tour
            from tests.test_pages import chaque_onglet

            for _ in chaque_onglet(at):
                pass
    return {nom: (d() if callable(d) else d) for nom, d in boutons.items()}


@pytest.mark.parametrize("page", PAGES_LECTEUR + ["donnees"], ids=lambda p: p or "accueil")
def test_aucun_jargon_dans_les_telechargements(monkeypatch, page):
    """Chaque CSV et chaque classeur Excel offert par la page (pour les deux plans et avec un quartier
    choisi), relu : pas de nom de fichier, de code de colonne, de « nan » ni d'anglais hors de la colonne
    « Détail de la source (fichier, ligne) ». Les fichiers de la page « Données et sources » aussi : le
    tableur d'un lecteur n'a pas à lire « source_fichier »."""
    trouves = []
    for nom_variante, query in VARIANTES.items():
        for nom, octets in telechargements_de_la_page(monkeypatch, page, query).items():
            if nom.endswith(".csv"):
                textes = textes_csv(octets)
            elif nom.endswith(".xlsx"):
                textes = textes_xlsx(octets)
            else:  # PDF (test à part), GeoJSON et YAML bruts de la page « Données et sources »
                continue
            trouves += [f"{nom_variante}, {nom} : {p}" for p in problemes(textes)]
    assert not trouves, "\n".join(list(dict.fromkeys(trouves))[:60])


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
