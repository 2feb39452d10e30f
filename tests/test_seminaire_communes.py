"""Le diaporama du séminaire d'un territoire décrit par ses communes (Gevrey-Nuits, données dérivées) :
ses chiffres clés au titre, la carte de ses communes, les communes comparées, chaque chiffre avec son
année et sa source en mots ; le PDF avec la carte dessinée en vectoriel ; le diaporama de Dijon inchangé."""

import io
import re

import pandas as pd
import pytest

from ctg_data import catalogue as cat
from ctg_data import chiffres, communes, config, geographie, seminaire
from ctg_data import seminaire_communes as sc
from ctg_data import vues_plan as vp
from ctg_data.plan import charger_plans
from ctg_data.territoire import charger_territoires, donnees_sociales, jeux_geo

GEVREY = "ctg-gevrey-nuits-2023-2026"


def construire(id_plan: str):
    """Le diaporama construit comme la page le construit (sans valeur saisie) : pour un territoire décrit
    par ses communes, ses chiffres clés, son tableau social et ses contours."""
    plans, _ = charger_plans()
    plan = plans[id_plan]
    territoire = charger_territoires()[0][plan.territoire]
    resume = vp.resume_plan(plan, territoire, pd.DataFrame(columns=["indicateur"]), pd.DataFrame())
    social, dico = donnees_sociales(territoire)
    ids = jeux_geo(territoire, cat.lire_catalogue(config.dossier_donnees()))
    contours = [geographie.charger_geo(i, config.dossier_donnees()) for i in ids]
    ref = chiffres.reference(territoire, None, social, dico)
    donnees = sc.DonneesCommunes(social, dico, *contours)
    diapos = seminaire.construire(seminaire.charger_deck(), plan, resume, chiffres.cartes_chiffres_cles(ref, territoire),
                                  pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), territoire, communes=donnees)
    return territoire, social, dico, diapos


@pytest.fixture(scope="module")
def gevrey():
    return construire(GEVREY)


def textes(d) -> list[str]:
    return [d.titre, d.sous_titre, d.source, d.manque, *d.points,
            *[x for c in d.chiffres for x in (c.libelle, c.valeur, c.periode, c.source, *c.comparaisons)]]


def test_diaporama_gevrey_avec_ses_communes(gevrey):
    territoire, social, dico, diapos = gevrey
    types = [d.type for d in diapos]
    assert types[:2] == ["titre", "avancement"] and types[-3:] == ["carte_communes", "communes_comparees", "sources"]
    # Titre : les chiffres clés de l'accueil qui ont une valeur, chacun avec son année, sa source en mots et
    # la Côte-d'Or et la France.
    titre = diapos[0]
    cartes = [c for c in chiffres.cartes_chiffres_cles(chiffres.reference(territoire, None, social, dico), territoire)
              if c.disponible]
    assert [c.libelle for c in titre.chiffres] == [c.titre for c in cartes][:seminaire.CHIFFRES_DU_TITRE]
    median = next(c for c in titre.chiffres if c.libelle == next(c.titre for c in cartes if c.code == "niveau_vie_median"))
    assert median.valeur == "24\u00a0480\u00a0€" and median.periode == "2019" and median.source == "INSEE, Filosofi 2019"
    assert median.comparaisons == ["Côte-d'Or : 22\u00a0590\u00a0€", "France métropolitaine : 21\u00a0930\u00a0€"]
    assert all(c.periode and c.source for c in titre.chiffres)
    # Ce qui n'existe pas pour ce territoire : dit en une ligne, sans « pas encore » ni « ne concerne que ».
    assert titre.manque.startswith("Sans valeur ni données pour ce territoire : habitants, taux de pauvreté")
    for d in diapos:
        for t in textes(d):
            assert "ne concerne que" not in t and "pas encore la carte" not in t.lower(), t
            assert "Pas encore dans ce diaporama" not in t and "None" not in t and ".csv" not in t, t


def test_carte_et_communes_comparees(gevrey):
    territoire, social, dico, diapos = gevrey
    indicateur = communes.par_code(communes.indicateurs(social, dico))["niveau_vie_median"]  # libellé du dictionnaire
    valeurs = communes.valeurs_communes(social, indicateur, 2019)
    carte = next(d for d in diapos if d.type == "carte_communes")
    assert carte.titre == f"{indicateur.libelle} dans les 55 communes"
    assert "2019" in carte.sous_titre and communes.etendue(valeurs, indicateur) in carte.sous_titre
    assert carte.source == "INSEE, Filosofi 2019 ; IGN, Admin Express COG 2018 (contours des communes)"
    c = carte.carte_communes
    assert len(c.geo) == 55 and c.annee == 2019 and c.legende[-1][1] == "pas de valeur publiée (4)"
    assert (c.geo["couleur"] == sc.SANS_VALEUR).sum() == 4
    assert "CC de Gevrey-Chambertin et de Nuits-Saint-Georges : 24\u00a0480\u00a0€" in c.reperes
    # Les communes comparées : les 51 qui ont une valeur, triées, repères lus dans leur source (jamais une moyenne).
    comparees = next(d for d in diapos if d.type == "communes_comparees")
    g = comparees.graphique
    assert g.genre == "communes" and len(g.donnees) == 51
    assert list(g.donnees["Valeur"]) == sorted(valeurs["valeur"].dropna(), reverse=True)
    assert [t for t, _ in g.reperes] == ["CC de Gevrey-Chambertin et de Nuits-Saint-Georges : 24\u00a0480\u00a0€",
                                         "Côte-d'Or : 22\u00a0590\u00a0€"]
    assert indicateur.libelle in comparees.sous_titre and "2019" in comparees.sous_titre
    assert comparees.source == "INSEE, Filosofi 2019"
    (sans,) = comparees.points
    assert sans.startswith("Sans valeur : Collonges-lès-Bévy, Marey-lès-Fussey, Segrois et Ternant — ")
    assert "secret statistique" in sans
    assert "moyenne" not in " ".join(textes(comparees)).lower()
    # Écran : Vega-Lite en français, police de salle.
    from ctg_data import format as fmt

    spec = seminaire.graphique_altair(g, taille=32).to_dict()
    assert spec["config"]["locale"] == fmt.locale_vega() and spec["config"]["axis"]["labelFontSize"] >= 32
    # Sources en mots sur la dernière diapositive.
    sources = diapos[-1].points
    assert "INSEE : Filosofi 2019" in sources and "IGN : Admin Express COG 2018 (contours des communes)" in sources
    assert not any("producteur non documenté" == s.lower() for s in sources)


def test_carte_folium_hors_ligne(gevrey):
    *_, diapos = gevrey
    carte = sc.carte_folium(next(d for d in diapos if d.type == "carte_communes").carte_communes, 700)
    html = carte.get_root().render()
    assert "Nuits-Saint-Georges" in html and "tile.openstreetmap" not in html and "unpkg.com" not in html


def test_pdf_gevrey_avec_la_carte_des_communes(gevrey):
    from pypdf import PdfReader

    *_, diapos = gevrey
    lecteur = PdfReader(io.BytesIO(seminaire.en_pdf(diapos, "Séminaire")))
    assert len(lecteur.pages) == len(diapos)
    textes_pdf = [re.sub(r"\s+", " ", p.extract_text().replace("\xa0", " ")) for p in lecteur.pages]
    rang_carte = [d.type for d in diapos].index("carte_communes")
    rang_comparees = [d.type for d in diapos].index("communes_comparees")
    assert "Les communes comparées" in textes_pdf[rang_comparees]
    assert "CC de Gevrey-Chambertin et de Nuits-Saint-Georges : 24 480 €" in textes_pdf[rang_comparees]
    assert "2019" in textes_pdf[rang_comparees] and "INSEE, Filosofi 2019" in textes_pdf[rang_comparees]
    assert "24 480 €" in textes_pdf[0] and "2019" in textes_pdf[0]
    carte = textes_pdf[rang_carte]
    assert "Nuits-Saint-Georges" in carte and "pas de valeur publiée (4)" in carte and "2019" in carte

    def dessins_vectoriels(page) -> list:
        """Les dessins posés sur la page : objets « Form » (vectoriels) avec des tracés (m, l, re…), sans image."""
        objets = page["/Resources"].get("/XObject", {})
        formes = [o.get_object() for o in objets.values() if o.get_object().get("/Subtype") == "/Form"]
        assert not [o for o in objets.values() if o.get_object().get("/Subtype") == "/Image"]
        return [f for f in formes if re.search(rb"\b(m|l|re)\b", f.get_data())]

    for rang in (rang_carte, rang_comparees):
        formes = dessins_vectoriels(lecteur.pages[rang])
        assert formes, diapos[rang].titre
    # La carte : un tracé par commune au moins (55 contours remplis).
    (carte_forme,) = dessins_vectoriels(lecteur.pages[rang_carte])
    remplis = re.findall(rb"(?m)^(?:f|f\*|B|B\*)\s*$", carte_forme.get_data())  # contours fermés, remplis
    assert len(remplis) >= 55


DIJON_TITRES = [
    "Séminaire annuel de coordination", "Avancement du plan", "Axe 1 — Petite enfance", "Axe 2 — Enfance",
    "Axe 3 — Jeunesse", "Axe 4 — Animation de la vie sociale", "Le territoire en quelques chiffres",
    "Les équipements dans les 9 quartiers", "Pauvreté dans les quartiers prioritaires",
    "Niveau de vie médian : QPV et ville", "La Cité éducative", "Les 9 quartiers comparés", "Sources",
]


def test_diaporama_de_dijon_inchange():
    from tests.test_plans_et_seminaire import construire_diaporama

    _, diapos = construire_diaporama("ctg-dijon-2024-2027")
    assert [d.titre for d in diapos] == DIJON_TITRES
    assert not any(d.type in ("carte_communes", "communes_comparees") for d in diapos) and not diapos[0].manque


def test_page_seminaire_gevrey_avec_ses_communes(gevrey):
    """La page : le nombre de diapositives du diaporama construit avec les communes, la ligne de ce qui
    n'existe pas pour ce territoire, la carte et les communes comparées, l'export PDF."""
    from tests.conftest import ouvrir_page, textes_affiches

    *_, diapos = gevrey
    at = ouvrir_page("seminaire", plan=GEVREY)
    affiche = textes_affiches(at)
    assert f"1 / {len(diapos)}" in affiche and "Sans valeur ni données pour ce territoire" in affiche
    assert "Pas encore dans ce diaporama" not in affiche and "24\u00a0480\u00a0€" in affiche
    for type_ in ("carte_communes", "communes_comparees"):
        rang = [d.type for d in diapos].index(type_) + 1
        at = ouvrir_page("seminaire", plan=GEVREY, diapo=str(rang))
        assert not at.exception and at.title[0].value == diapos[rang - 1].titre
        assert "INSEE, Filosofi 2019" in textes_affiches(at)
    at.button(key="diapo_pdf_preparer").click().run()
    assert not at.exception and "Télécharger le PDF" in [b.label for b in at.get("download_button")]


@pytest.mark.navigateur
def test_gevrey_dans_le_navigateur(navigateur, serveur_app, gevrey):
    """À 1920×1080 : titre, carte des communes et communes comparées lisibles de loin (texte de 32 px au
    moins, sources de 20 px), rien hors de l'écran ; à 1366×768, la diapositive tient aussi."""
    from playwright.sync_api import expect

    from tests.test_navigateur_seminaire import attendre, onglet, verifier

    *_, diapos = gevrey
    n = len(diapos)
    for largeur, hauteur in ((1920, 1080), (1366, 768)):
        contexte, page = onglet(navigateur, largeur, hauteur)
        try:
            for type_ in ("titre", "carte_communes", "communes_comparees"):
                k = [d.type for d in diapos].index(type_) + 1
                page.goto(f"{serveur_app}/seminaire?plan={GEVREY}&diapo={k}")
                attendre(page, k, n, diapos[k - 1])
                if type_ == "carte_communes":
                    cadre = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
                    cadre.locator(".leaflet-overlay-pane path").first.wait_for()
                    expect(cadre.get_by_text("Nuits-Saint-Georges", exact=True)).to_be_visible()
                verifier(page, k, diapos[k - 1], largeur, tailles=largeur == 1920, nom="seminaire-gevrey-communes")
        finally:
            contexte.close()
