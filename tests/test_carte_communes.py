"""La carte d'un territoire décrit par ses communes (``ctg_data.carte_communes``, page
``pages/communes/carte.py``, adresse /carte) : les 55 communes de Gevrey-Nuits dessinées, la commune
choisie soulignée et cadrée, la couche des équipements vide et nommée comme telle sans fichier ; le
fichier des équipements d'un territoire (champ ``equipements``) lu et validé avec des erreurs en
français (fichier, ligne, colonne) ; le modèle à remplir ; la page dans AppTest et dans Chromium
(communes dessinées, rien ne déborde sur un téléphone). Les valeurs attendues sont relues dans les
fichiers du territoire, jamais écrites ici."""

from __future__ import annotations

import io
import json
import re
import shutil

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from ctg_data import carte_communes as cc
from ctg_data import config
from ctg_data.carte import COULEUR_SELECTION, Cadrage, Surbrillance
from ctg_data.erreurs import ErreurDonnees
from ctg_data.geographie import emprise
from ctg_data.schemas import EQUIPEMENTS_TERRITOIRE
from ctg_data.vocabulaire import CATEGORIES_EQUIPEMENTS
from ctg_data.territoire import DOSSIER_DONNEES, FICHIERS_PACK, charger_territoire, charger_territoires, fichier_pack
from tests.conftest import hors_ligne, ouvrir_page, textes_affiches

GEVREY = "ctg-gevrey-nuits-2023-2026"
TERRITOIRE = charger_territoires()[0]["gevrey-nuits"]


def lire_geojson(nom: str) -> gpd.GeoDataFrame:
    """Un fichier de contours du territoire, relu directement (sans le chargeur de l'application)."""
    return gpd.read_file(config.dossier_donnees() / fichier_pack(TERRITOIRE, nom))


def lire_geojson_de(id_territoire: str, nom: str) -> gpd.GeoDataFrame:
    t = charger_territoires()[0][id_territoire]
    return gpd.read_file(config.dossier_donnees() / fichier_pack(t, nom))


COMMUNES = lire_geojson("communes.geojson")
CONTOUR = lire_geojson("contour.geojson")
GEVREY_CHAMBERTIN = COMMUNES.loc[COMMUNES["nom"] == "Gevrey-Chambertin", "code"].iloc[0]


def enfants(element, classe) -> list:
    """Les éléments d'une classe sous ``element`` (carte ou couche folium), à toute profondeur."""
    trouves = []
    for enfant in element._children.values():
        if isinstance(enfant, classe):
            trouves.append(enfant)
        trouves += enfants(enfant, classe)
    return trouves


# --- La carte (cœur) ---------------------------------------------------------------------------

def test_la_carte_dessine_les_55_communes_et_le_contour():
    carte = cc.construire_carte(COMMUNES, CONTOUR)
    (couche,) = enfants(carte, cc.CoucheCommunes)
    entites = json.loads(couche.donnees)["features"]
    assert len(entites) == len(COMMUNES) == 55
    assert sorted(e["properties"]["nom"] for e in entites) == sorted(COMMUNES["nom"])
    # Chaque nom est posé dans sa commune (pôle d'inaccessibilité), jamais au hasard.
    for entite, geometrie in zip(entites, COMMUNES.geometry):
        lat, lon = entite["properties"]["_etiquette"]
        assert geometrie.buffer(1e-4).contains(gpd.points_from_xy([lon], [lat])[0])
    assert couche.layer_name == "Communes (55)"
    assert len(enfants(carte, cc.CoucheContour)) == 1
    html = carte.get_root().render()
    assert "/app/static/leaflet/leaflet.js" in html and "unpkg" not in html and "cdn" not in html.lower()


def test_commune_choisie_soulignee_et_cadree():
    choix, *_ = cc.couches_dynamiques(COMMUNES, GEVREY_CHAMBERTIN, None)
    (surbrillance,) = enfants(choix, Surbrillance)
    geometrie = json.loads(surbrillance.donnees)["features"][0]["geometry"]
    attendue = COMMUNES.loc[COMMUNES["code"] == GEVREY_CHAMBERTIN].geometry.iloc[0]
    assert json.loads(json.dumps(attendue.__geo_interface__)) == geometrie
    assert json.loads(surbrillance.style)["color"] == COULEUR_SELECTION
    (cadrage,) = enfants(choix, Cadrage)
    assert json.loads(cadrage.bornes) == emprise(COMMUNES.loc[COMMUNES["code"] == GEVREY_CHAMBERTIN])
    # Sans commune choisie : rien de souligné, cadrage sur tout le territoire.
    choix, *_ = cc.couches_dynamiques(COMMUNES, None, None)
    assert not enfants(choix, Surbrillance)
    (cadrage,) = enfants(choix, Cadrage)
    assert json.loads(cadrage.bornes) == emprise(COMMUNES)


def test_sans_fichier_la_couche_des_equipements_est_vide_et_le_dit():
    _, *equipements = cc.couches_dynamiques(COMMUNES, None, None)
    assert [g.layer_name for g in equipements] == [cc.NOM_COUCHE_VIDE]
    assert "vide" in cc.NOM_COUCHE_VIDE and not equipements[0]._children
    html = cc.construire_carte(COMMUNES, CONTOUR).get_root().render()
    assert json.dumps(cc.NOM_COUCHE_VIDE) in html  # dans la liste des couches
    assert "pas encore de fichier" in html  # et dans la légende
    assert not enfants(cc.construire_carte(COMMUNES, CONTOUR), cc.CoucheEquipementsTerritoire)  # aucune icône


def test_gevrey_ne_declare_pas_encore_de_fichier():
    assert TERRITOIRE.equipements is None
    assert cc.charger_equipements(TERRITOIRE, COMMUNES) is None


# --- Le fichier des équipements ----------------------------------------------------------------

ENTETE = ";".join(cc.COLONNES)


def pack_temporaire(tmp_path, contenu: str | bytes | None, nom: str = "equipements.csv"):
    """Une copie du territoire Gevrey-Nuits dans ``tmp_path`` (son fichier et son dossier de données), avec
    un fichier d'équipements déclaré (``contenu`` None : déclaré mais absent)."""
    source = config.dossier_donnees() / "territoires"
    dossier = tmp_path / "territoires"
    pack = dossier / DOSSIER_DONNEES / TERRITOIRE.donnees
    pack.mkdir(parents=True)
    for f in FICHIERS_PACK:
        shutil.copy(source / DOSSIER_DONNEES / TERRITOIRE.donnees / f, pack / f)
    texte = (source / f"{TERRITOIRE.id}.yaml").read_text(encoding="utf-8")
    (dossier / f"{TERRITOIRE.id}.yaml").write_text(texte + f"\nequipements: {nom}\n", encoding="utf-8")
    if contenu is not None:
        (pack / nom).write_bytes(contenu if isinstance(contenu, bytes) else contenu.encode("utf-8"))
    return dossier / f"{TERRITOIRE.id}.yaml"


VALIDE = f"Crèche Les Petits Pas;EAJE;2 rue de la Gare;Gevrey-Chambertin;47,2265;4,9680;24;Caf de la Côte-d'Or, 2025;"
SANS_POSITION = f"Relais petite enfance;RPE;;{GEVREY_CHAMBERTIN};;;;Caf de la Côte-d'Or, 2025;"


def test_fichier_valide_lu_depuis_le_pack(tmp_path):
    chemin = pack_temporaire(tmp_path, "\n".join([ENTETE, VALIDE, SANS_POSITION]) + "\n")
    territoire = charger_territoire(chemin)
    assert territoire.equipements == "equipements.csv"
    equipements = cc.charger_equipements(territoire, COMMUNES, CONTOUR, dossier=tmp_path)
    assert list(equipements["nom"]) == ["Crèche Les Petits Pas", "Relais petite enfance"]
    assert list(equipements["code_commune"]) == [GEVREY_CHAMBERTIN, GEVREY_CHAMBERTIN]
    assert list(equipements["commune"]) == ["Gevrey-Chambertin"] * 2
    assert equipements["lat"].iloc[0] == pytest.approx(47.2265) and equipements["capacite"].iloc[0] == 24
    # L'équipement sans position est compté dans sa commune, jamais placé.
    assert pd.isna(equipements["lat"].iloc[1])
    tableau = cc.tableau_communes(COMMUNES, equipements).set_index("Commune")
    assert tableau.loc["Gevrey-Chambertin", "Équipements"] == 2
    assert tableau.loc["Gevrey-Chambertin", "Sur la carte"] == 1
    assert tableau["Équipements"].sum() == 2
    groupes = cc.groupes_equipements(equipements)
    assert [g.layer_name for g in groupes] == ["EAJE (1)"]
    (couche,) = enfants(groupes[0], cc.CoucheEquipementsTerritoire)
    (point,) = json.loads(couche.donnees)["features"]
    assert point["properties"]["s"] == "Caf de la Côte-d'Or, 2025"  # la source de la ligne, sur la carte
    assert cc.sources_equipements(equipements) == ["Caf de la Côte-d'Or, 2025"]


def test_fichier_avec_une_ligne_invalide_refuse_en_francais(tmp_path):
    invalide = "Ludothèque;Ludotheque;;Dijon;47,3;;;;"
    chemin = pack_temporaire(tmp_path, "\n".join([ENTETE, VALIDE, invalide]) + "\n")
    territoire = charger_territoire(chemin)
    with pytest.raises(ErreurDonnees) as erreur:
        cc.charger_equipements(territoire, COMMUNES, CONTOUR, dossier=tmp_path)
    message = erreur.value.message()
    assert erreur.value.fichier == "territoires/donnees/gevrey-nuits/equipements.csv"
    lieux = {(p.ligne, p.colonne) for p in erreur.value.problemes}
    assert lieux == {(3, "categorie"), (3, "commune"), (3, "longitude"), (3, "source")}
    assert "ligne 3, colonne « categorie » : « Ludotheque » : valeur inconnue" in message
    assert "« Dijon » n'est ni le nom ni le code INSEE d'une commune du territoire" in message
    assert "latitude et longitude vont ensemble" in message
    assert "ligne 3, colonne « source » : valeur manquante" in message
    assert not any(p.ligne == 2 for p in erreur.value.problemes)  # la ligne valide n'est pas mise en cause


def test_position_hors_du_territoire_refusee():
    inversee = f"Crèche;EAJE;;{GEVREY_CHAMBERTIN};4,968;47,2265;;Caf, 2025;"
    with pytest.raises(ErreurDonnees, match=r"ligne 2, colonne « latitude » : position .* hors du territoire"):
        cc.lire_equipements(f"{ENTETE}\n{inversee}\n".encode(), "equipements.csv", COMMUNES, CONTOUR)


def test_fichier_declare_mais_absent_refuse_en_nommant_le_fichier_et_le_champ(tmp_path):
    chemin = pack_temporaire(tmp_path, None)
    with pytest.raises(ErreurDonnees) as erreur:
        charger_territoire(chemin)
    (probleme,) = erreur.value.problemes
    assert erreur.value.fichier == "territoires/gevrey-nuits.yaml"
    assert probleme.colonne == "equipements"
    assert "« equipements.csv » : ce fichier n'existe pas dans le dossier territoires/donnees/gevrey-nuits/" in str(probleme)


def test_nom_de_fichier_avec_un_chemin_refuse(tmp_path):
    chemin = pack_temporaire(tmp_path, "x", nom="../../secret.csv")
    with pytest.raises(ErreurDonnees) as erreur:
        charger_territoire(chemin)
    assert [p.colonne for p in erreur.value.problemes] == ["equipements"]
    assert "sans dossier" in erreur.value.message()


# --- Le modèle à remplir -------------------------------------------------------------------------

def test_modele_a_les_colonnes_du_schema():
    colonnes = list(EQUIPEMENTS_TERRITOIRE.columns)
    assert cc.COLONNES == colonnes
    csv = cc.modele_csv()
    assert csv.decode("utf-8-sig").splitlines() == [";".join(colonnes)]
    classeur = openpyxl.load_workbook(io.BytesIO(cc.modele_xlsx()))
    assert classeur.sheetnames == ["Équipements", "Mode d'emploi", "Catégories"]
    assert [c.value for c in classeur["Équipements"][1]] == colonnes and classeur["Équipements"].max_row == 1
    emploi = [[c.value for c in ligne] for ligne in classeur["Mode d'emploi"].iter_rows(min_row=2)]
    assert [l[0] for l in emploi] == colonnes and all(l[3] for l in emploi)
    categories = [ligne[0].value for ligne in classeur["Catégories"].iter_rows(min_row=2)]
    assert categories == list(CATEGORIES_EQUIPEMENTS)
    # Le modèle, relu tel quel : un fichier valide, sans équipement.
    assert cc.lire_equipements(csv, "equipements.csv", COMMUNES, CONTOUR).empty
    assert cc.lire_equipements(cc.modele_xlsx(), "equipements.xlsx", COMMUNES, CONTOUR).empty


# --- La page (AppTest) -----------------------------------------------------------------------------

def test_quartiers_prioritaires_du_territoire_seulement():
    """Les QPV 2024 du fichier de l'ANCT qui sont dans le territoire : tous ceux de Dijon Métropole (le
    fichier de la Côte-d'Or n'en a pas ailleurs), aucun à Gevrey-Nuits ; une couche et une ligne de légende
    seulement s'il y en a."""
    qpv = gpd.read_file(config.dossier_donnees() / "qpv.geojson")
    contour_dm = lire_geojson_de("dijon-metropole", "contour.geojson")
    dans_dm = cc.qpv_du_territoire(qpv, contour_dm)
    assert sorted(dans_dm["code_qpv"]) == sorted(qpv["code_qpv"])
    assert cc.qpv_du_territoire(qpv, CONTOUR).empty
    html = cc.construire_carte(lire_geojson_de("dijon-metropole", "communes.geojson"), contour_dm,
                               qpv=dans_dm).get_root().render()
    assert f"Quartiers prioritaires, QPV 2024 ({len(qpv)})" in html and "Quartier prioritaire (QPV 2024)" in html
    sans = cc.construire_carte(COMMUNES, CONTOUR, qpv=cc.qpv_du_territoire(qpv, CONTOUR)).get_root().render()
    assert "QPV 2024" not in sans


def test_page_carte_dit_les_qpv_du_territoire():
    texte = textes_affiches(ouvrir_page("carte", plan="contrat-de-ville-dijon-metropole-2019-2022"))
    assert "Le Mail (Chenôve)" in texte and "Source : ANCT" in texte
    texte = textes_affiches(ouvrir_page("carte", plan=GEVREY))
    assert "Aucun quartier prioritaire (QPV 2024) dans le territoire" in texte


def _boutons(at) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_page_carte_de_gevrey():
    at = ouvrir_page("carte", plan=GEVREY)
    assert not at.error
    contenu = textes_affiches(at).replace("\\", "")
    assert at.title[0].value.replace("\\", "") == f"Carte — {TERRITOIRE.nom}"
    assert "en construction" not in contenu.lower()
    assert "ne concerne que" not in contenu
    assert "n'a pas encore la carte" not in contenu
    assert cc.phrase_declaration(TERRITOIRE) in contenu  # la ligne qui dit comment ajouter le fichier
    assert "data/territoires/donnees/gevrey-nuits/equipements.csv" in cc.phrase_declaration(TERRITOIRE)
    assert cc.PAS_DE_FICHIER in contenu
    assert "IGN Admin Express" in contenu and "2020 (INSEE)" in contenu  # d'où viennent les contours
    boutons = _boutons(at)
    assert "Modèle à remplir (CSV)" in boutons and "Modèle à remplir (Excel, avec le mode d'emploi)" in boutons
    assert boutons.count("Télécharger en CSV") == 1  # le tableau des communes
    (tableau,) = [d.value for d in at.dataframe]
    assert len(tableau) == 55 and list(tableau.columns) == ["Commune", "Code INSEE"]


def test_page_carte_avec_un_fichier_d_equipements(dossier_donnees):
    pack = dossier_donnees / "territoires" / DOSSIER_DONNEES / TERRITOIRE.donnees
    (pack / "equipements.csv").write_text("\n".join([ENTETE, VALIDE, SANS_POSITION]) + "\n", encoding="utf-8")
    yaml_ = dossier_donnees / "territoires" / f"{TERRITOIRE.id}.yaml"
    yaml_.write_text(yaml_.read_text(encoding="utf-8") + "\nequipements: equipements.csv\n", encoding="utf-8")
    at = ouvrir_page("carte", plan=GEVREY, commune=GEVREY_CHAMBERTIN)
    assert not at.error
    contenu = textes_affiches(at).replace("\\", "")
    assert at.title[0].value.replace("\\", "") == "Carte — Gevrey-Chambertin"
    assert f"une des 55 communes du territoire {TERRITOIRE.nom}" in contenu
    assert "2 équipements dans la commune Gevrey-Chambertin" in contenu
    assert "sur tout le territoire, 1 placé sur la carte, 1 sans position, listé sous la carte" in contenu
    assert "Source : Caf de la Côte-d'Or, 2025." in contenu
    assert cc.PAS_DE_FICHIER not in contenu and "Modèle à remplir (CSV)" not in _boutons(at)
    communes = at.dataframe[-1].value.set_index("Commune")
    assert list(communes.columns) == ["Équipements", "Sur la carte"]
    assert communes.loc["Gevrey-Chambertin", "Équipements"] == 2 and communes["Équipements"].sum() == 2


def test_page_carte_avec_un_fichier_refuse(dossier_donnees):
    pack = dossier_donnees / "territoires" / DOSSIER_DONNEES / TERRITOIRE.donnees
    (pack / "equipements.csv").write_text(f"{ENTETE}\n{VALIDE}\nX;Inconnue;;{GEVREY_CHAMBERTIN};;;;Caf;\n", encoding="utf-8")
    yaml_ = dossier_donnees / "territoires" / f"{TERRITOIRE.id}.yaml"
    yaml_.write_text(yaml_.read_text(encoding="utf-8") + "\nequipements: equipements.csv\n", encoding="utf-8")
    at = ouvrir_page("carte", plan=GEVREY)
    (erreur,) = at.error
    assert "Le fichier des équipements n'a pas pu être lu" in erreur.value
    assert "ligne 3, colonne « categorie »" in erreur.value.replace("\\", "")
    assert len(at.dataframe[-1].value) == 55  # la carte et les communes restent


def test_page_carte_une_autre_commune_garde_le_cadre():
    """Changer de commune ne change que les couches ajoutées (même clé du composant, même fond : le cadre
    n'est pas rechargé) ; revenir à tout le territoire redonne exactement la première carte (cache)."""
    def composant(at):
        (carte,) = [n.proto for n in at.get("component_instance")]
        return json.loads(carte.json_args)

    at = ouvrir_page("carte", plan=GEVREY)
    depart = composant(at)
    (choix,) = [s for s in at.sidebar.selectbox if s.label == "Commune"]
    autre = choix.options[1]
    choix.set_value(autre).run()
    assert not at.exception
    commune = composant(at)
    assert commune["key"] == depart["key"] and commune["script"] == depart["script"]
    assert commune["feature_group"] != depart["feature_group"] and "ctgCadrage" in commune["feature_group"]
    assert at.title[0].value.replace("\\", "") != f"Carte — {TERRITOIRE.nom}"
    (choix,) = [s for s in at.sidebar.selectbox if s.label == "Commune"]
    choix.set_value(choix.options[0]).run()
    assert composant(at) == depart and at.title[0].value.replace("\\", "") == f"Carte — {TERRITOIRE.nom}"


# --- Dans le navigateur ----------------------------------------------------------------------------

def cadre_de_la_carte(page, essais: int = 3):
    """Le cadre (iframe) de la carte, une fois les contours des communes dessinés (attente de
    tests/test_navigateur_carte.py : fin du calcul, un seul cadre à jour, reprise au besoin)."""
    from tests.test_navigateur_carte import cadre_carte

    return cadre_carte(page, essais, condition="() => window.map && "
                       "document.querySelectorAll('.leaflet-overlay-pane path').length >= 55", delai=15_000)


@pytest.mark.navigateur
def test_navigateur_communes_dessinees(page, serveur_app):
    from playwright.sync_api import expect

    from tests.test_navigateur import attendre_page

    page.goto(f"{serveur_app}/carte?plan={GEVREY}")
    attendre_page(page, f"Carte — {TERRITOIRE.nom}")
    cadre = cadre_de_la_carte(page)
    # Les noms sont posés (ou masqués) une fois la carte cadrée à sa taille réelle, la page et ses
    # polices chargées (le placement est refait à ces moments-là) ; on lit après le dernier placement.
    cadre.wait_for_function("() => document.readyState === 'complete' && "
                            "document.querySelector('.leaflet-container').hasAttribute('data-ctg-placements')")
    cadre.evaluate("() => document.fonts.ready.then(() => new Promise(r => setTimeout(r, 300)))")
    mesure = cadre.evaluate("""() => ({
        traits: document.querySelectorAll('.leaflet-overlay-pane svg path').length,
        noms: [...document.querySelectorAll('.ctg-nom-commune span')].filter(e => e.style.visibility !== 'hidden')
                .map(e => e.textContent),
        tuiles: document.querySelectorAll('img.leaflet-tile').length,
        couches: document.querySelector('.leaflet-control-layers').textContent,
        echelle: [...document.querySelectorAll('.leaflet-control-scale-line')].map(e => e.textContent),
    })""")
    assert len(mesure["echelle"]) == 1 and re.fullmatch(r"\d+ k?m", mesure["echelle"][0])  # ni miles ni pieds
    assert mesure["traits"] >= 55
    assert "Gevrey-Chambertin" in mesure["noms"] and 0 < len(mesure["noms"]) < 55  # les noms qui tiennent
    assert mesure["tuiles"] == 0
    assert cc.NOM_COUCHE_VIDE in mesure["couches"]
    # Un clic sur une commune la choisit (titre, adresse). La plus grande : loin des commandes de la carte.
    grande = COMMUNES.loc[COMMUNES.to_crs(2154).area.idxmax()]
    point = grande.geometry.representative_point()
    xy = cadre.evaluate("p => { const c = window.map.latLngToContainerPoint(p); return [c.x, c.y]; }",
                        {"lat": point.y, "lng": point.x})
    boite = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(boite["x"] + xy[0], boite["y"] + xy[1])
    attendre_page(page, f"Carte — {grande['nom']}")
    assert re.search(rf"commune={grande['code']}\b", page.url)
    # Le clic n'est suivi qu'une fois : revenir à tout le territoire par la barre latérale y reste.
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Commune").click()
    page.get_by_role("option", name=TERRITOIRE.libelle_tout).click()
    attendre_page(page, f"Carte — {TERRITOIRE.nom}")
    page.wait_for_timeout(1000)
    expect(page.get_by_role("heading", name=f"Carte — {TERRITOIRE.nom}", level=1)).to_be_visible()
    assert "commune=" not in page.url


@pytest.mark.navigateur
def test_navigateur_telephone_sans_debordement(navigateur, serveur_app):
    from tests.test_navigateur import attendre_page

    contexte = navigateur.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{serveur_app}/carte?plan={GEVREY}")
        attendre_page(page, f"Carte — {TERRITOIRE.nom}")
        cadre = cadre_de_la_carte(page)
        largeurs = page.evaluate("""() => {
            const principal = document.querySelector('[data-testid=stMain]');
            return {page: document.scrollingElement.scrollWidth, ecran: window.innerWidth,
                    principal: principal.scrollWidth, principal_visible: principal.clientWidth};
        }""")
        assert largeurs["page"] <= largeurs["ecran"], largeurs
        assert largeurs["principal"] <= largeurs["principal_visible"], largeurs
        commandes = cadre.evaluate("""() => ({
            couches_repliees: document.querySelector('.leaflet-control-layers-expanded') === null,
            legende_ouverte: document.querySelector('details.ctg-legende').open,
        })""")
        assert commandes == {"couches_repliees": True, "legende_ouverte": False}
    finally:
        contexte.close()
