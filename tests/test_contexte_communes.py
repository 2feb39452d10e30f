"""Contexte social d'un territoire décrit par ses communes (CC de Gevrey-Chambertin et de Nuits-Saint-Georges) :
les chiffres des communes (``ctg_data.communes``), la carte, les phrases et les tableaux de la page
(``ctg_data.contexte_communes``), la page elle-même (AppTest) et la page dans un vrai navigateur (ordinateur
et téléphone). Les valeurs attendues sont relues dans le fichier du territoire, jamais écrites ici ; une
commune sans valeur publiée reste sans valeur (raison donnée), jamais 0 ; une médiane ne se moyenne pas."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from ctg_data import carte as cartes
from ctg_data import communes as cm
from ctg_data import config
from ctg_data import contexte_communes as cc
from ctg_data.geographie import commune_contenant
from ctg_data import format as fmt
from ctg_data.geographie import charger_geo
from ctg_data.territoire import charger_territoires, donnees_sociales, fichier_pack, jeux_geo
from tests.conftest import ouvrir_page, textes_affiches
from tests.test_formats_francais import fautes_de_format, specs_vega

GEVREY = "ctg-gevrey-nuits-2023-2026"
TERRITOIRE = charger_territoires()[0]["gevrey-nuits"]


def sans_echappement(texte: str) -> str:
    return texte.replace("\\", "")


@pytest.fixture(scope="module")
def tableau():
    return donnees_sociales(TERRITOIRE)


@pytest.fixture(scope="module")
def brut() -> pd.DataFrame:
    """Le tableau social relu directement dans son fichier (sans le chargeur testé)."""
    return pd.read_csv(config.dossier_donnees() / fichier_pack(TERRITOIRE, "social.csv"), dtype={"code_zone": str})


@pytest.fixture(scope="module")
def manifeste() -> dict:
    return json.loads((config.dossier_donnees() / fichier_pack(TERRITOIRE, "manifeste.json")).read_text("utf-8"))


@pytest.fixture(scope="module")
def contours():
    from ctg_data.catalogue import lire_catalogue

    ids = jeux_geo(TERRITOIRE, lire_catalogue())
    return tuple(charger_geo(i) for i in ids)


def indicateur(tableau, code: str) -> cm.Indicateur:
    return cm.par_code(cm.indicateurs(*tableau))[code]


def lignes_brutes(brut, code: str, type_zone: str, annee: int) -> pd.DataFrame:
    return brut[(brut["indicateur"] == code) & (brut["type_zone"] == type_zone) & (brut["annee"] == annee)]


# --- ctg_data.communes ---------------------------------------------------------------------------
def test_valeurs_communes_une_ligne_par_commune_sans_zero(tableau, brut, manifeste):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    valeurs = cm.valeurs_communes(social, ind, 2019)
    codes = manifeste["territoire"]["codes_communes"]
    assert len(valeurs) == len(codes) == 55
    assert sorted(valeurs["code_commune"]) == sorted(codes)
    source = lignes_brutes(brut, "niveau_vie_median", "commune", 2019).set_index("code_zone")
    absentes = valeurs[valeurs["valeur"].isna()]
    assert len(absentes) == source["valeur"].isna().sum() > 0
    for _, l in absentes.iterrows():
        assert pd.isna(source.at[l["code_commune"], "valeur"])
        assert l["raison"] and l["statut"] and "0" not in l["texte"].split()
    publiees = valeurs.dropna(subset=["valeur"]).set_index("code_commune")
    for code, l in publiees.iterrows():
        assert l["valeur"] == source.at[code, "valeur"]
    # triées par nom, à la française (sans tenir compte des accents)
    assert list(valeurs["commune"]) == sorted(valeurs["commune"], key=cm.cle_de_tri)


def test_etendue_sans_moyenne(tableau):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    valeurs = cm.valeurs_communes(social, ind, 2019)
    texte = cm.etendue(valeurs, ind)
    publiees = valeurs.dropna(subset=["valeur"])
    bas, haut = publiees.loc[publiees["valeur"].idxmin()], publiees.loc[publiees["valeur"].idxmax()]
    assert texte.startswith(f"de {fmt.valeur(bas['valeur'], '€')} ({bas['commune']}) à {fmt.valeur(haut['valeur'], '€')}")
    assert fmt.nombre(round(publiees["valeur"].mean())) not in texte
    # un exemple fait à la main : trois communes, une sans valeur
    exemple = pd.DataFrame({"commune": ["A", "B", "C", "D"], "valeur": [10.0, 20.0, 90.0, None],
                            "texte": ["10 %", "20 %", "90 %", "pas de valeur"]})
    texte = cm.etendue(exemple, ind)
    assert "10 %" in texte and "90 %" in texte and "40" not in texte
    assert "3 communes sur 4 ont une valeur" in texte


def test_reperes_dans_l_ordre_du_territoire(tableau, brut):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    reperes = cm.reperes(social, TERRITOIRE, ind, 2019)
    assert list(reperes["zone"]) == [TERRITOIRE.nom, *[c.nom for c in TERRITOIRE.comparaisons]]
    (epci,) = lignes_brutes(brut, "niveau_vie_median", "EPCI", 2019)["valeur"]
    assert reperes.iloc[0]["valeur"] == epci
    assert reperes.iloc[0]["texte"] == fmt.valeur(epci, "€")
    assert all("INSEE" in s for s in reperes["source"])
    # les jeunes non insérés n'ont pas de valeur pour la France : la zone est nommée comme absente
    neet = indicateur(tableau, "part_jeunes_non_inseres")
    lisibles = cc.reperes_lisibles(cm.reperes(social, TERRITOIRE, neet, 2018), cm.zones_de_reference(TERRITOIRE), 2018)
    assert isinstance(lisibles[-1], str) and lisibles[-1].startswith("France métropolitaine : pas de valeur en 2018")


# --- ctg_data.contexte_communes : phrases, séries, tableaux ----------------------------------------
def test_phrase_de_couverture(tableau):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    valeurs = cm.valeurs_communes(social, ind, 2019)
    avec, sans = int(valeurs["valeur"].notna().sum()), int(valeurs["valeur"].isna().sum())
    phrase = cc.phrase_couverture(valeurs, ind)
    assert f"{avec} communes sur 55 ont une valeur ; {sans} sans valeur : secret statistique" in phrase
    ligne = cc.phrase_sans_valeur(valeurs, 2019)
    for nom in valeurs.loc[valeurs["valeur"].isna(), "commune"]:
        assert nom in ligne
    assert "\n" not in ligne and "jamais comptées comme 0" in ligne


def test_serie_avec_trous(tableau):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    commune = ("21464", "Nuits-Saint-Georges")
    serie = cc.serie_complete(cm.serie(social, TERRITOIRE, ind, commune), ind.annees)
    assert set(serie["zone"]) == {commune[1], TERRITOIRE.nom, *[c.nom for c in TERRITOIRE.comparaisons]}
    for zone, groupe in serie.groupby("zone"):
        assert sorted(groupe["annee"]) == list(ind.annees), zone  # chaque année, valeur ou trou
    trou = serie[(serie["zone"] == commune[1]) & (serie["annee"] == 2017)]
    assert trou["valeur"].isna().all()  # pas de fichier par commune en 2017 : un trou, pas 0
    phrase = cc.phrase_trous(serie)
    assert "Nuits-Saint-Georges : 2017" in phrase and f"{TERRITOIRE.nom} : 2014, 2015" in phrase


def test_compte_somme_et_tableau_a_telecharger(tableau):
    social, dico = tableau
    menages = indicateur(tableau, "menages_fiscaux")
    mediane = indicateur(tableau, "niveau_vie_median")
    assert cc.est_un_compte(menages, dico) and not cc.est_un_compte(mediane, dico)
    valeurs = cm.valeurs_communes(social, menages, 2019)
    somme = cc.somme_des_communes(valeurs, menages)
    avec = valeurs.dropna(subset=["valeur"])
    assert somme.startswith(f"Somme des {len(avec)} communes qui ont une valeur : "
                            f"{fmt.valeur(round(avec['valeur'].sum(), 1), 'ménages')}")
    assert f"{len(valeurs) - len(avec)} communes sans valeur n'y sont pas" in somme
    tableau_export = cc.tableau_a_telecharger(valeurs, menages)
    assert len(tableau_export) == 55
    absentes = tableau_export[tableau_export["Valeur"].isna()]
    assert len(absentes) == len(valeurs) - len(avec) and (absentes["Raison si pas de valeur"] != "").all()
    assert not (tableau_export["Valeur"] == 0).any()
    affiche = cc.tableau_affiche(valeurs)
    assert not affiche.isna().any().any() and "None" not in affiche.to_string()


# --- Carte des communes --------------------------------------------------------------------------
def couche_communes(carte) -> list[dict]:
    (couche,) = [e for e in carte._children.values() if isinstance(e, cartes.CouchePolygones)
                 and '"_type":"commune"' in e.donnees]
    return json.loads(couche.donnees)["features"]


def test_carte_55_communes_sans_valeur_hachurees(tableau, contours):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    valeurs = cm.valeurs_communes(social, ind, 2019)
    communes_geo, contour = contours
    carte, legende = cc.carte_des_communes(communes_geo, contour, valeurs, ind, 2019)
    entites = couche_communes(carte)
    assert len(entites) == 55
    absentes = set(valeurs.loc[valeurs["valeur"].isna(), "code_commune"])
    for f in entites:
        p = f["properties"]
        if p["code"] in absentes:
            assert p["_style"]["fillColor"] == cc.REMPLISSAGE_SANS_VALEUR and "sans valeur publiée" in p["_infobulle"]
        else:
            assert p["_style"]["fillColor"] in cartes.PALETTE_SEQUENTIELLE
            assert re.search(r"\d €", p["_infobulle"].replace(fmt.ESPACE, " "))
    assert sum(f["properties"]["_style"]["fillColor"] == cc.REMPLISSAGE_SANS_VALEUR for f in entites) == len(absentes)
    html = carte.get_root().render()
    assert f'id="{cc.HACHURES}"' in html
    assert cartes.liens_externes(carte) == []  # sans internet
    libelles = [l.libelle for l in legende]
    assert f"sans valeur publiée ({len(absentes)} communes)" in libelles
    assert sum(l.genre == "classe" for l in legende) == 5
    assert "commune choisie" not in " ".join(libelles)
    legende_html = cc.legende_html("Niveau de vie médian (2019)", legende)
    assert "sans valeur publiée" in legende_html and "repeating-linear-gradient" in legende_html


def test_carte_commune_choisie_et_peu_de_valeurs(tableau, contours):
    social, _ = tableau
    ind = indicateur(tableau, "part_prestations_sociales")
    valeurs = cm.valeurs_communes(social, ind, 2019)
    avec = valeurs.dropna(subset=["valeur"])
    code, nom = avec.iloc[0]["code_commune"], avec.iloc[0]["commune"]
    carte, legende = cc.carte_des_communes(*contours, valeurs, ind, 2019, commune_choisie=code)
    assert any(isinstance(e, cartes.Surbrillance) for e in carte._children.values())
    assert f"commune choisie : {nom}" in [l.libelle for l in legende]
    classes = [l.libelle for l in legende if l.genre == "classe"]
    # peu de valeurs publiées : une couleur par valeur, écrite telle quelle (pas de classe vide)
    assert classes == [fmt.valeur(v, "%") for v in sorted(avec["valeur"].unique())]
    assert "une par valeur publiée" in cc.phrase_classes(legende, valeurs)
    choisie = [f for f in couche_communes(carte) if f["properties"]["code"] == code]
    assert choisie[0]["properties"]["_style"]["_choisie"]


# --- La page (AppTest) -----------------------------------------------------------------------------
def donnees_des_graphiques(at) -> list[list[pd.DataFrame]]:
    """Pour chaque graphique altair de la page, ses jeux de données (envoyés à part, au format Arrow)."""
    import pyarrow as pa

    def parcourir(noeud):
        for enfant in getattr(noeud, "children", {}).values():
            yield enfant
            yield from parcourir(enfant)
    return [[pa.ipc.open_stream(d.data.data).read_pandas() for d in e.proto.datasets]
            for e in parcourir(at._tree) if getattr(e, "type", None) in ("vega_lite_chart", "arrow_vega_lite_chart")]


def test_page_contexte_gevrey(brut):
    at = ouvrir_page("contexte", plan=GEVREY)
    assert not at.exception and not at.error
    assert [sans_echappement(t.value) for t in at.title] == [f"Contexte social — {TERRITOIRE.nom}"]
    texte = sans_echappement(textes_affiches(at)).replace("**", "")
    (epci,) = lignes_brutes(brut, "niveau_vie_median", "EPCI", 2019)["valeur"]
    assert fmt.valeur(epci, "€").replace(fmt.ESPACE, " ") == "24 480 €"
    assert f"{TERRITOIRE.nom} (le territoire) : {fmt.valeur(epci, '€')} en 2019 — INSEE, Filosofi 2019" in texte
    (dep,) = lignes_brutes(brut, "niveau_vie_median", "département", 2019)["valeur"]
    assert f"Côte-d'Or : {fmt.valeur(dep, '€')} en 2019 — INSEE" in texte
    assert "communes sur 55 ont une valeur" in texte and "sans valeur : secret statistique" in texte
    assert "ne concerne que" not in texte and "en construction" not in texte.lower()
    assert " nan" not in texte and "None" not in texte
    assert at.selectbox(key="contexte_communes_indicateur").value == "niveau_vie_median"
    telechargements = at.get("download_button")
    assert {b.proto.label for b in telechargements} >= {"Télécharger en CSV", "Télécharger en Excel"}
    assert any(e.label == "Détail des sources" for e in at.expander)
    specs = specs_vega(at)
    assert len(specs) >= 2  # barres des communes, évolution
    for spec in specs:
        assert not fautes_de_format(spec)
    # les barres : une par commune qui a une valeur, avec les traits du territoire et de la Côte-d'Or
    graphiques = donnees_des_graphiques(at)
    barres = [g for g in graphiques if any("commune" in d.columns and len(d) == 51 for d in g)]
    assert barres, "pas de graphique des 51 communes qui ont une valeur"
    (traits,) = [d for d in barres[0] if "zone" in d.columns]
    assert list(traits["zone"]) == [TERRITOIRE.nom, "Côte-d'Or"]
    assert list(traits["valeur"]) == [epci, dep]


def test_page_commune_choisie_et_chaque_indicateur():
    at = ouvrir_page("contexte", plan=GEVREY, commune="21464")
    texte = sans_echappement(textes_affiches(at)).replace("**", "")
    assert "Nuits-Saint-Georges (commune choisie)" in texte
    donnees = [d for g in donnees_des_graphiques(at) for d in g]
    (barres,) = [d for d in donnees if "choisie" in d.columns]
    assert list(barres.loc[barres["choisie"], "commune"]) == ["Nuits-Saint-Georges"]
    assert any("annee" in d.columns and "Nuits-Saint-Georges" in set(d["zone"]) for d in donnees)  # l'évolution
    from tests.test_langage_clair import problemes, textes_visibles

    choix, trouves = at.selectbox(key="contexte_communes_indicateur"), []
    for code in choix.options:
        at.selectbox(key="contexte_communes_indicateur").set_value(code).run()
        assert not at.exception and not at.error, code
        texte = sans_echappement(textes_affiches(at))
        assert "ont une valeur" in texte or "n'a de valeur" in texte, code
        for spec in specs_vega(at):
            assert not fautes_de_format(spec), code
        trouves += [f"{code} : {p}" for p in problemes(textes_visibles(at._tree))]
    assert not trouves, "\n".join(dict.fromkeys(trouves))  # ni jargon, ni code, ni « nan », ni anglais


# --- Dans un vrai navigateur ------------------------------------------------------------------------
CADRE_CARTE = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.mark.navigateur
@pytest.mark.parametrize("ecran", [(1366, 768), (390, 844)], ids=["1366x768", "390x844"])
def test_navigateur_carte_graphiques_et_telephone(navigateur, serveur_app, ecran):
    from playwright.sync_api import expect

    from tests.conftest import RESULTATS, hors_ligne
    from tests.test_navigateur import attendre_page

    largeur, hauteur = ecran
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{serveur_app}/contexte?plan={GEVREY}")
        attendre_page(page, re.compile("^Contexte social — CC de Gevrey"))
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
        # la carte : 55 communes dessinées, celles sans valeur hachurées
        cadre_html = page.locator(CADRE_CARTE)
        expect(cadre_html).to_have_count(1)
        cadre_html.scroll_into_view_if_needed()
        cadre = cadre_html.element_handle().content_frame()
        cadre.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length >= 55")
        hachurees = cadre.evaluate(f"""() => [...document.querySelectorAll('path.leaflet-interactive')]
            .filter(p => (p.getAttribute('fill') || '').includes('{cc.HACHURES}')).length""")
        assert hachurees >= 1
        assert cadre.evaluate(f"() => !!document.getElementById('{cc.HACHURES}')")
        legende = page.locator(".ctg-legende-communes")
        expect(legende).to_contain_text("sans valeur publiée")
        # les graphiques (barres des communes, évolution) dessinés
        graphiques = page.get_by_test_id("stVegaLiteChart")
        expect(graphiques.first).to_be_visible()
        assert graphiques.count() >= 2
        for i in range(graphiques.count()):
            graphiques.nth(i).scroll_into_view_if_needed()
            graphiques.nth(i).locator("svg.marks").wait_for()
        # l'année et la source en mots, lisibles
        principal = page.get_by_test_id("stMain").inner_text()
        assert "24" + fmt.ESPACE + "480" + fmt.ESPACE + "€ en 2019 — INSEE, Filosofi 2019" in principal
        assert "Sans valeur publiée en 2019" in principal
        # rien ne déborde en largeur (téléphone compris)
        mesures = page.evaluate("""() => {
            const m = document.querySelector('[data-testid=stMain]');
            return [document.documentElement.scrollWidth, document.documentElement.clientWidth, m.scrollWidth, m.clientWidth];
        }""")
        assert mesures[0] <= mesures[1] + 1 and mesures[2] <= mesures[3] + 1, mesures
        # les valeurs des barres sont dans le graphique, pas coupées
        barres = graphiques.nth(0)
        bords = barres.evaluate("""e => {
            const s = e.querySelector('svg.marks').getBoundingClientRect();
            const t = [...e.querySelectorAll('.role-mark text')].map(x => x.getBoundingClientRect());
            return {droite: s.right, textes: t.length, plus_loin: Math.max(...t.map(r => r.right))};
        }""")
        assert bords["textes"] >= 51 and bords["plus_loin"] <= bords["droite"] + 1 <= largeur + 1, bords
        RESULTATS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTATS / f"contexte-communes-{largeur}.png"))
        if largeur > 1000:  # un clic sur une commune de la carte la choisit (adresse et valeurs de référence)
            cadre_html.scroll_into_view_if_needed()
            rang = cadre.evaluate("""() => { const ps = [...document.querySelectorAll('path.leaflet-interactive')];
                let m = 0, k = 0;
                ps.forEach((p, j) => { const r = p.getBoundingClientRect();
                    if (r.width * r.height > m && r.width < 400) { m = r.width * r.height; k = j; } });
                return k; }""")
            cadre.locator("path.leaflet-interactive").nth(rang).click(force=True)
            expect(page.get_by_text("(commune choisie)")).to_be_visible(timeout=30_000)
            assert re.search(r"[?&]commune=21\d{3}", page.url), page.url
    finally:
        contexte.close()


def test_valeurs_du_territoire_seulement_une_ligne(tableau):
    """Une année où aucune commune n'a de valeur : une ligne le dit, avec la raison et ce qui existe."""
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    masque = (social["type_zone"] == "commune") & (social["indicateur"] == ind.code) & (social["annee"] == 2019)
    sans_communes = social.copy()
    sans_communes.loc[masque, "valeur"] = None
    sans_communes.loc[masque, "statut"] = "secret statistique ou seuil de diffusion"
    valeurs = cm.valeurs_communes(sans_communes, ind, 2019)
    assert valeurs["valeur"].isna().all() and len(valeurs) == 55
    phrase = cc.phrase_territoire_seul(ind, 2019, valeurs, cm.reperes(sans_communes, TERRITOIRE, ind, 2019))
    assert phrase.startswith("Niveau de vie médian en 2019 : aucune des 55 communes n'a de valeur publiée "
                             "(secret statistique ou seuil de diffusion)")
    assert f"seules les valeurs de {TERRITOIRE.nom}, Côte-d'Or" in phrase and "\n" not in phrase
    assert cc.phrase_couverture(valeurs, ind) == "aucune des 55 communes n'a de valeur publiée"


def test_page_sans_valeur_de_commune(dossier_donnees):
    """Données modifiées : plus aucune commune n'a de niveau de vie médian en 2019. La page le dit en une
    ligne, sans carte ni barres (rien à y montrer), et garde les valeurs du territoire."""
    chemin = dossier_donnees / fichier_pack(TERRITOIRE, "social.csv")
    social = pd.read_csv(chemin, dtype=str, keep_default_na=False)
    masque = ((social["type_zone"] == "commune") & (social["indicateur"] == "niveau_vie_median")
              & (social["annee"] == "2019"))
    social.loc[masque, "valeur"] = ""
    social.loc[masque, "statut"] = "secret statistique ou seuil de diffusion"
    social.to_csv(chemin, index=False)
    at = ouvrir_page("contexte", plan=GEVREY)
    assert not at.exception and not at.error
    (ligne,) = [sans_echappement(i.value) for i in at.info if "aucune des 55 communes" in i.value]
    assert ligne.startswith("Niveau de vie médian en 2019 : aucune des 55 communes n'a de valeur publiée")
    assert not [t for t in at.subheader if "Carte des communes" in t.value]
    assert "(le territoire) : 24" in sans_echappement(textes_affiches(at)).replace("**", "")


def test_commune_sous_un_clic(contours):
    communes_geo, _ = contours
    nuits = communes_geo[communes_geo["code"] == "21464"].geometry.iloc[0].representative_point()
    assert commune_contenant(nuits.x, nuits.y, communes_geo) == "21464"
    assert commune_contenant(2.35, 48.85, communes_geo) is None  # Paris : hors du territoire


def test_traits_des_barres_disent_une_absence(tableau):
    social, _ = tableau
    ind = indicateur(tableau, "niveau_vie_median")
    types = (TERRITOIRE.nature, "département")
    # 2014 : l'EPCI n'est pas dans le fichier (géographie d'avant 2017) : pas de trait, et la raison
    reperes = cm.reperes(social, TERRITOIRE, ind, 2014)
    assert list(cc.traits_de_reference(reperes, types)["zone"]) == ["Côte-d'Or"]
    phrase = cc.phrase_traits(reperes, types, 2014)
    assert f"{TERRITOIRE.nom} : pas de trait, pas de valeur publiée en 2014 (EPCI absent du fichier" in phrase
    reperes = cm.reperes(social, TERRITOIRE, ind, 2019)
    assert list(cc.traits_de_reference(reperes, types)["zone"]) == [TERRITOIRE.nom, "Côte-d'Or"]
    assert f"{TERRITOIRE.nom} : {reperes.iloc[0]['texte']} en 2019" in cc.phrase_traits(reperes, types, 2019)
