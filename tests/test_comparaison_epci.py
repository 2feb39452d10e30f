"""Comparer les territoires (ticket 14, point 5) : construction de la comparaison des EPCI à partir du
dossier de référence, vue (classement, repères, graphique) et page."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd
import pytest

from ctg_data import comparaison_epci as ce
from ctg_data import config
from tests.conftest import ouvrir_page

REFERENCE = config.dossier_reference()
SANS_REFERENCE = pytest.mark.skipif(
    not (REFERENCE / "socio" / "commune").is_dir() or not (REFERENCE / "geo").is_dir(),
    reason=f"dossier de référence absent ({REFERENCE}) : construction de la comparaison des EPCI non testée")


@pytest.fixture(scope="module")
def construit(tmp_path_factory):
    if not (REFERENCE / "socio" / "commune").is_dir():
        pytest.skip(f"dossier de référence absent ({REFERENCE}) : construction de la comparaison des EPCI non testée")
    sortie = tmp_path_factory.mktemp("epci")
    messages: list[str] = []
    manifeste = ce.construire(REFERENCE, sortie, progression=messages.append)
    return sortie, manifeste, messages


def _lire_source(relatif: str) -> list[dict]:
    with open(REFERENCE / "socio" / relatif, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


@SANS_REFERENCE
def test_construction_19_epci_et_valeurs_lues_dans_la_source(construit):
    sortie, manifeste, messages = construit
    assert len(messages) >= 5 and messages[0].startswith("1/5")
    df = ce.charger(sortie)
    epci = df[df["type_zone"] == "EPCI"]
    assert epci["code_zone"].nunique() == 19 == manifeste["epci"]
    assert set(df["type_zone"]) == {"EPCI", "département", "région", "France métropolitaine"}
    # Valeur relue directement dans le fichier de l'INSEE, par le test : la même dans le tableau.
    lignes = _lire_source("commune/filosofi_epci_2019_disp_cotedor.csv")
    for ligne in lignes[:5]:
        attendu = float(ligne["Q219"].replace(",", "."))
        v = df[(df["code_zone"] == ligne["CODGEO"]) & (df["indicateur"] == "niveau_vie_median") & (df["annee"] == 2019)]
        assert len(v) == 1 and v["valeur"].iloc[0] == attendu
        assert "colonne Q219" in v["source_detail"].iloc[0]
    (dep,) = _lire_source("commune/filosofi_dep_2018_disp_cotedor.csv")
    v = df[(df["type_zone"] == "département") & (df["indicateur"] == "part_prestations_sociales") & (df["annee"] == 2018)]
    assert v["valeur"].iloc[0] == float(dep["PPSOC18"].replace(",", "."))
    neet = [r for r in _lire_source("commune/jeunes_non_inseres_epci_cotedor.csv") if r["an"] == "2018"][0]
    v = df[(df["code_zone"] == neet["codgeo"]) & (df["indicateur"] == "part_jeunes_non_inseres") & (df["annee"] == 2018)]
    assert v["valeur"].iloc[0] == float(neet["part_non_inseres"].replace(",", "."))
    # 2014-2015 écartées (géographie d'avant 2017), et le manifeste le dit.
    assert not set(df[df["indicateur"] != "part_jeunes_non_inseres"]["annee"]) & {2014, 2015}
    assert any("2014 et 2015" in c for c in manifeste["choix"])
    assert manifeste["licence"].startswith("Licence Ouverte (Etalab)")
    couverture = {(c["indicateur"], c["annee"]): (c["epci_avec_valeur"], c["epci"]) for c in manifeste["couverture"]}
    assert couverture[("niveau_vie_median", 2019)] == (19, 19)
    # Le nombre de communes vient de la composition 2020.
    composition = list(csv.DictReader(open(REFERENCE / "geo/epci_communes_2020_cotedor.csv", encoding="utf-8-sig"),
                                      delimiter=";"))
    siren = lignes[0]["CODGEO"]
    assert epci[epci["code_zone"] == siren]["communes"].iloc[0] == sum(r["EPCI"] == siren for r in composition)


@SANS_REFERENCE
def test_valeur_secrete_ou_absente_vide_jamais_zero(tmp_path):
    """Une cellule vide (secret) et un EPCI absent d'un fichier : lignes vides avec leur raison, pas 0."""
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE / "geo", reference / "geo")
    shutil.copytree(REFERENCE / "socio" / "commune", reference / "socio" / "commune")
    chemin = reference / "socio/commune/filosofi_epci_2019_disp_cotedor.csv"
    chemin.chmod(0o644)
    lignes = chemin.read_text(encoding="utf-8-sig").splitlines()
    entete = lignes[0].split(";")
    cellules = lignes[1].split(";")
    secret = cellules[0]
    cellules[entete.index("D119")] = ""
    lignes[1] = ";".join(cellules)
    absent = lignes[2].split(";")[0]
    del lignes[2]
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    ce.construire(reference, tmp_path / "sortie", progression=lambda _m: None)
    df = ce.charger(tmp_path / "sortie")
    d1 = df[(df["indicateur"] == "niveau_vie_d1") & (df["annee"] == 2019)].set_index("code_zone")
    assert pd.isna(d1.loc[secret, "valeur"]) and "secret" in d1.loc[secret, "statut"]
    assert pd.isna(d1.loc[absent, "valeur"]) and d1.loc[absent, "statut"] == ce.ABSENTE
    # La médiane de l'EPCI absent n'est pas recalculée à partir des communes : elle reste vide.
    q2 = df[(df["indicateur"] == "niveau_vie_median") & (df["annee"] == 2019)].set_index("code_zone")
    assert pd.isna(q2.loc[absent, "valeur"])
    brut = (tmp_path / "sortie" / ce.FICHIER_TABLE).read_text(encoding="utf-8")
    ligne = next(l for l in brut.splitlines() if l.startswith(f"EPCI,{secret},") and ",niveau_vie_d1," in l
                 and ",2019," in l)
    assert ",2019,," in ligne  # cellule vide dans le CSV, pas 0
    vue = ce.vue(df, "niveau_vie_d1", 2019)
    tableau = vue.tableau()
    assert (tableau["Valeur"] == "0").sum() == 0
    assert len(vue.epci) == 19 and vue.epci["rang"].notna().sum() == 17
    assert list(vue.epci["valeur"].isna())[-2:] == [True, True]  # en bas, sans rang
    # France métropolitaine : pas de fichier des jeunes non insérés, la ligne est vide avec sa raison.
    fr = df[(df["type_zone"] == "France métropolitaine") & (df["indicateur"] == "part_jeunes_non_inseres")]
    assert len(fr) and fr["valeur"].isna().all() and (fr["statut"] == ce.SANS_FICHIER).all()


def test_aucune_mediane_calculee_a_partir_des_communes():
    """Le module ne lit aucun fichier de communes : chaque valeur d'EPCI vient du fichier des EPCI."""
    texte = (config.RACINE / "ctg_data" / "comparaison_epci.py").read_text(encoding="utf-8")
    assert "filosofi_commune" not in texte and "jeunes_non_inseres_communes" not in texte
    assert ".median(" not in texte and ".mean(" not in texte


def _donnees_livrees() -> pd.DataFrame:
    dossier = config.RACINE / "data" / ce.DOSSIER_SORTIE
    if not (dossier / ce.FICHIER_TABLE).exists():
        pytest.fail(f"fichier construit absent : {dossier / ce.FICHIER_TABLE}")
    return ce.charger(dossier)


def test_vue_classement_reperes_et_graphique_francais():
    df = _donnees_livrees()
    siren = sorted(set(df[df["type_zone"] == "EPCI"]["code_zone"]))[0]
    vue = ce.vue(df, "niveau_vie_median", 2019, siren)
    assert len(vue.epci) == 19 and list(vue.epci["rang"]) == sorted(vue.epci["rang"])
    assert list(vue.reperes["type_zone"]) == ["département", "région", "France métropolitaine"]
    tableau = vue.tableau()
    assert list(tableau.columns[:2]) == ["Territoire", "Valeur"]
    assert tableau["Valeur"].str.match(r"^\d{1,3}(\u00a0\d{3})*\u00a0€$").all()
    assert tableau["Territoire"].str.contains(ce.MARQUE_PLAN, regex=False).sum() == 1
    assert (tableau["Rang"].iloc[19:] == "repère").all()
    spec = vue.graphique().to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert '"labelLimit": 0' in json.dumps(spec)
    regles = [c for c in spec["layer"] if (c.get("mark", {}).get("type") if isinstance(c.get("mark"), dict)
                                           else c.get("mark")) == "rule"]
    assert regles  # repères département et France
    telechargement = vue.telechargement()
    assert pd.api.types.is_float_dtype(telechargement["Valeur"])
    from ctg_data import exports
    texte = exports.csv_pour_tableur(telechargement).decode("utf-8-sig")
    assert "Détail de la source (fichier, ligne)" in texte.splitlines()[0] and "€ par an" in texte


def test_une_seule_definition_par_indicateur():
    """Un code, une définition : libellé, définition et unité d'un indicateur sont les mêmes dans le
    dictionnaire de Dijon (data/social_indicateurs.csv), dans celui du dossier de Gevrey-Nuits et dans la
    comparaison des EPCI (tableau et manifeste), tous lus dans ctg_data/social_indicateurs.yaml. L'unité
    « € » d'une définition « en euros par an » s'affiche « € par an » (même règle que la référence des
    chiffres : chiffres._unite_ouverte)."""
    from ctg_data import build_social as bs
    from ctg_data.chiffres import _unite_ouverte

    yaml_ = bs.charger_indicateurs().par_code

    def dictionnaire(chemin) -> dict[str, dict]:
        with open(chemin, encoding="utf-8", newline="") as f:
            return {l["code"]: l for l in csv.DictReader(f)}

    dijon = dictionnaire(config.RACINE / "data" / "social_indicateurs.csv")
    gevrey = dictionnaire(config.RACINE / "data" / "territoires" / "donnees" / "gevrey-nuits" / "indicateurs.csv")
    df = _donnees_livrees()
    tableau = {c: (set(g["libelle"]), set(g["unite"])) for c, g in df.groupby("indicateur")}
    manifeste = {i["code"]: i for i in ce.charger_manifeste()["indicateurs"]}
    assert set(tableau) == set(manifeste) == set(ce.CODES) == {i.code for i in ce.INDICATEURS}
    # Codes présents dans au moins deux des trois : ceux qu'il faut garder d'accord.
    communs = {c for c in {*dijon, *gevrey, *tableau} if sum(c in x for x in (dijon, gevrey, tableau)) >= 2}
    assert {"niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales", "part_jeunes_non_inseres",
            "niveau_vie_d9", "part_prestations_logement", "menages_fiscaux"} <= communs
    for code in sorted(communs):
        d = yaml_[code]
        definition = " ".join(d["definition"].split())
        for nom, dico in (("Dijon", dijon), ("Gevrey-Nuits", gevrey)):
            if code in dico:
                assert (dico[code]["libelle"], dico[code]["unite"]) == (d["libelle"], d["unite"]), (nom, code)
                assert " ".join(dico[code]["definition"].split()) == definition, (nom, code)
        if code in tableau:
            affichee = _unite_ouverte(d["unite"], d["definition"])
            assert tableau[code] == ({d["libelle"]}, {affichee}), code
            m = manifeste[code]
            assert (m["libelle"], m["unite"], m["definition"]) == (d["libelle"], affichee, definition), code
            i = ce.PAR_CODE[code]
            assert (i.libelle, i.unite, i.definition) == (d["libelle"], affichee, definition), code
    assert tableau["niveau_vie_median"][1] == {"€ par an"} and dijon["niveau_vie_median"]["unite"] == "€"
    # Les titres des chiffres mis en avant sur l'accueil des territoires ne contredisent pas le libellé.
    import yaml

    for fiche in sorted((config.RACINE / "data" / "territoires").glob("*.yaml")):
        for chiffre in yaml.safe_load(fiche.read_text(encoding="utf-8")).get("chiffres_cles") or []:
            if chiffre["code"] in ("niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales"):
                assert chiffre["titre"] == yaml_[chiffre["code"]]["libelle"], (fiche.name, chiffre)


def test_aucune_definition_ecrite_dans_le_module():
    texte = (config.RACINE / "ctg_data" / "comparaison_epci.py").read_text(encoding="utf-8")
    for mot in ('Indicateur("', "Niveau de vie médian", "1er décile", "9e décile", "aides au logement",
                "prestations familiales", "Ménages fiscaux"):
        assert mot not in texte, mot


def test_une_seule_lecture_des_fichiers_filosofi_des_epci():
    """La comparaison et le dossier de Gevrey-Nuits lisent les fichiers Filosofi par la même fonction
    (build_territoires.lire_fichier_filosofi, fichiers de social_sources.yaml) : pour l'EPCI de Gevrey-Nuits,
    mêmes valeurs et mêmes statuts, indicateur par indicateur et année par année."""
    texte = (config.RACINE / "ctg_data" / "comparaison_epci.py").read_text(encoding="utf-8")
    assert "bt.lire_fichier_filosofi(" in texte and "_disp_cotedor.csv\"" not in texte and "{aa}\"" not in texte
    pack = pd.read_csv(config.RACINE / "data" / "territoires" / "donnees" / "gevrey-nuits" / "social.csv",
                       dtype={"code_zone": str}, keep_default_na=False, na_values={"valeur": [""]})
    df = _donnees_livrees()
    siren = "200070894"
    cle = ["indicateur", "annee"]
    a = pack[(pack["type_zone"] == "EPCI") & (pack["code_zone"] == siren)].set_index(cle)
    b = df[(df["type_zone"] == "EPCI") & (df["code_zone"] == siren) & (df["indicateur"] != "part_jeunes_non_inseres")]
    b = b.set_index(cle)
    communes = a.index.intersection(b.index)
    assert len(communes) == len(b) - 4  # tout sauf le rapport interdécile (4 années), absent du dossier
    for k in communes:
        assert (a.loc[k, "statut"], a.loc[k, "source"]) == (b.loc[k, "statut"], b.loc[k, "source"]), k
        assert (pd.isna(a.loc[k, "valeur"]) and pd.isna(b.loc[k, "valeur"])) or a.loc[k, "valeur"] == b.loc[k, "valeur"], k


def test_page_comparer():
    from tests.test_langage_clair import problemes, textes_visibles

    at = ouvrir_page("comparer", plan="ctg-gevrey-nuits-2023-2026")
    assert at.title[0].value == "Comparer les territoires"
    (tableau,) = [d for d in at.dataframe]
    df = tableau.value
    assert len(df) == 22  # 19 EPCI + département, région, France métropolitaine
    assert (df["Rang"] == "repère").sum() == 3
    assert df["Valeur"].str.match(r"^\d{1,3}(\u00a0\d{3})*\u00a0€$").all()
    assert df["Territoire"].str.contains(ce.MARQUE_PLAN, regex=False).sum() == 1
    (graphique,) = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    spec = json.loads(graphique.proto.spec)
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    trouves = problemes(textes_visibles(at._tree))
    assert not trouves, "\n".join(dict.fromkeys(trouves))
    # Autre indicateur, en pourcentage : virgule décimale ; France sans valeur, dite.
    at.selectbox(key="comparer_indicateur").set_value("part_jeunes_non_inseres").run()
    assert not at.exception
    df = at.dataframe[0].value
    assert len(df) == 22 and df["Valeur"].str.contains(r"\d,\d\u00a0%").any()
    assert "non disponible" in set(df["Valeur"])
    assert not problemes(textes_visibles(at._tree))


def test_telechargements_de_la_page_sans_jargon(monkeypatch):
    """Le CSV et le classeur offerts par la page, relus : en-têtes en français, nombres à la française dans
    le CSV, ni nom de fichier ni code de colonne hors de « Détail de la source (fichier, ligne) »."""
    from tests.test_langage_clair import problemes, telechargements_de_la_page, textes_csv, textes_xlsx

    fichiers = telechargements_de_la_page(monkeypatch, "comparer", {"plan": "ctg-gevrey-nuits-2023-2026"})
    assert sorted(n.rsplit(".", 1)[1] for n in fichiers) == ["csv", "xlsx"]
    trouves = []
    for nom, octets in fichiers.items():
        textes = textes_csv(octets) if nom.endswith(".csv") else textes_xlsx(octets)
        trouves += [f"{nom} : {p}" for p in problemes(textes)]
        if nom.endswith(".csv"):
            lignes = octets.decode("utf-8-sig").splitlines()
            assert lignes[0].startswith("Territoire;Nature;Code officiel;Indicateur;Année;Valeur")
            assert len(lignes) == 23  # en-tête, 19 EPCI, 3 repères
    assert not trouves, "\n".join(dict.fromkeys(trouves))


@pytest.mark.navigateur
def test_page_dans_le_navigateur_accessible_et_lisible_sur_telephone(page, serveur_app):
    """axe-core sans violation grave ni critique ; sur un écran de 390 px, le tableau tient dans l'écran et
    commence par le nom et la valeur (colonnes épinglées)."""
    from playwright.sync_api import expect

    from tests.test_accessibilite import violations_graves
    from tests.test_navigateur import attendre_page

    page.goto(f"{serveur_app}/comparer?plan=ctg-gevrey-nuits-2023-2026")
    attendre_page(page, "Comparer les territoires")
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    assert violations_graves(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    tableau = page.get_by_test_id("stDataFrame").first
    tableau.scroll_into_view_if_needed()
    expect(tableau).to_be_visible()
    boite = tableau.bounding_box()
    assert boite and boite["x"] >= 0 and boite["x"] + boite["width"] <= 390 + 1
    # Les en-têtes « Territoire » et « Valeur (€ par an) » sont les deux premières colonnes, dans l'écran
    # (attendus d'abord : la grille dessine ses en-têtes un peu après être devenue visible).
    expect(tableau.locator('[role="columnheader"]').first).to_be_attached()
    entetes = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stDataFrame"] [role="columnheader"]')]
                               .map(e => [e.textContent.trim(), e.getBoundingClientRect().right])""")
    assert [e[0] for e in entetes[:2]] == ["Territoire", "Valeur (€ par an)"]
    # Les deux sont épinglées (toujours à gauche), et leurs largeurs (« medium » + « small ») tiennent en 390 px.
