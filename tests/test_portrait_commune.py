"""Portrait d'une commune d'un territoire décrit par ses communes (CC de Gevrey-Chambertin et de
Nuits-Saint-Georges) : le cœur (``ctg_data.portrait_commune``), la page /portrait dans AppTest, le PDF, et
la page dans un vrai navigateur sur un ordinateur portable et un téléphone.

Les valeurs attendues sont relues dans le tableau social du territoire (son fichier), jamais écrites ici."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from ctg_data import config
from ctg_data import format as fmt
from ctg_data import portrait_commune as pc
from ctg_data.plan import charger_plans
from ctg_data.territoire import charger_territoires, donnees_sociales, fichier_pack
from tests.conftest import hors_ligne, ouvrir_page, textes_affiches

GEVREY = "ctg-gevrey-nuits-2023-2026"
TERRITOIRE = charger_territoires()[0]["gevrey-nuits"]
GEVREY_CHAMBERTIN = ("21295", "Gevrey-Chambertin")


def sans_echappement(texte: str) -> str:
    return texte.replace("\\", "")


@pytest.fixture(scope="module")
def brut() -> pd.DataFrame:
    """Le tableau social du territoire, relu directement dans son fichier (sans le chargeur testé)."""
    return pd.read_csv(config.dossier_donnees() / fichier_pack(TERRITOIRE, "social.csv"), dtype={"code_zone": str})


@pytest.fixture(scope="module")
def social_et_dico():
    return donnees_sociales(TERRITOIRE)


def lire(brut: pd.DataFrame, indicateur: str, type_zone: str, annee: int, code: str | None = None) -> pd.Series:
    lignes = brut[(brut["indicateur"] == indicateur) & (brut["type_zone"] == type_zone) & (brut["annee"] == annee)]
    if code is not None:
        lignes = lignes[lignes["code_zone"] == code]
    (i,) = lignes.index
    return lignes.loc[i]


def commune_sans_filosofi(brut: pd.DataFrame) -> tuple[str, str]:
    """Une commune (Segrois ou Ternant, lues dans le fichier) sans aucune valeur Filosofi publiée."""
    lignes = brut[(brut["type_zone"] == "commune") & brut["nom_zone"].isin(["Segrois", "Ternant"])
                  & (brut["indicateur"] == "niveau_vie_median")]
    sans = lignes.groupby(["code_zone", "nom_zone"])["valeur"].apply(lambda v: v.isna().all())
    (code, nom) = sans[sans].index[0]
    return code, nom


def portrait(social_et_dico, commune) -> pc.Portrait:
    plan = charger_plans()[0][GEVREY]
    return pc.portrait(*social_et_dico, TERRITOIRE, commune, plan.fiches)


# --- Cœur --------------------------------------------------------------------------------------------
def test_gevrey_chambertin_a_sa_mediane_2019_avec_annee_et_source(brut, social_et_dico):
    p = portrait(social_et_dico, GEVREY_CHAMBERTIN)
    (mediane,) = [l for l in p.lignes if l.code == "niveau_vie_median"]
    attendu = lire(brut, "niveau_vie_median", "commune", 2019, "21295")
    assert mediane.annee == 2019
    assert mediane.valeur == attendu["valeur"]
    assert mediane.texte == fmt.valeur(attendu["valeur"], "€")
    assert mediane.source == attendu["source"] and "Filosofi 2019" in mediane.source
    assert "/" not in mediane.source and ".csv" not in mediane.source  # la source en mots
    assert mediane.raison == "" and mediane.derniere_publiee is None
    # À côté : l'intercommunalité, la Côte-d'Or et la France de la MÊME année, lues dans leur source.
    for entete, type_zone in (("Territoire", "EPCI"), ("Côte-d'Or", "département"), ("France", "France métropolitaine")):
        c = mediane.comparaison(entete)
        attendue = lire(brut, "niveau_vie_median", type_zone, 2019)
        assert c.valeur == attendue["valeur"], entete
        assert c.texte == fmt.valeur(attendue["valeur"], "€")
        assert c.source == attendue["source"]
    # Sa place parmi les communes qui ont une valeur, jamais une moyenne.
    communes = brut[(brut["indicateur"] == "niveau_vie_median") & (brut["type_zone"] == "commune")
                    & (brut["annee"] == 2019)].dropna(subset=["valeur"])
    plus_basses = int((communes["valeur"] < attendu["valeur"]).sum()) + 1
    plus_hautes = int((communes["valeur"] > attendu["valeur"]).sum()) + 1
    rang, sens = (plus_basses, "basse") if plus_basses <= plus_hautes else (plus_hautes, "haute")
    assert mediane.position.startswith(f"{rang}e valeur la plus {sens} des {len(communes)} communes du territoire "
                                       "qui ont une valeur en 2019")
    assert "moyenne" not in mediane.position + mediane.etendue
    assert f"{len(communes)} communes sur" in mediane.etendue
    assert "2019 : " + fmt.valeur(attendu["valeur"], "€") in mediane.serie


def test_commune_sans_filosofi_dit_pas_de_valeur_publiee_et_pourquoi(brut, social_et_dico):
    code, nom = commune_sans_filosofi(brut)
    p = portrait(social_et_dico, (code, nom))
    (mediane,) = [l for l in p.lignes if l.code == "niveau_vie_median"]
    ligne = lire(brut, "niveau_vie_median", "commune", 2019, code)
    assert mediane.valeur is None and not mediane.publiee
    assert mediane.texte.startswith("pas de valeur publiée") and ligne["statut"] in mediane.texte
    assert mediane.raison == ligne["note"] and "secret statistique" in mediane.raison
    assert mediane.derniere_publiee is None  # aucune année n'en a
    assert not re.search(r"(^|\s)0\s?€", mediane.texte_complet)  # jamais un 0
    assert mediane.position == ""
    # L'intercommunalité garde sa valeur de la même année à côté.
    epci = lire(brut, "niveau_vie_median", "EPCI", 2019)
    assert mediane.comparaison("Territoire").texte == fmt.valeur(epci["valeur"], "€")
    # Tableau de l'écran : « pas de valeur publiée », raison en une ligne dessous, pas de place.
    ecran = pc.tableau(p, court=True).set_index("Indicateur")
    assert ecran.loc[mediane.libelle, "Commune"] == "pas de valeur publiée"
    assert ecran.loc[mediane.libelle, "Territoire"] == fmt.valeur(epci["valeur"], "€")
    assert ecran.loc[mediane.libelle, pc.COLONNE_POSITION] == "pas de place (pas de valeur publiée)"
    assert any(r.startswith(f"Pas de valeur publiée pour {nom}") and ligne["note"] in r for r in pc.remarques(p))
    # Tableau complet (PDF, tableur) : la raison dans la cellule.
    complet = pc.tableau(p).set_index("Indicateur")
    assert ligne["note"] in complet.loc[mediane.libelle, "Commune"]
    # Aucune valeur Filosofi de la commune n'est devenue un nombre.
    filosofi = [l for l in p.lignes if "Filosofi" in l.source]
    assert filosofi and all(l.valeur is None for l in filosofi)


def test_aucune_moyenne_de_communes(social_et_dico):
    """Les valeurs du territoire sont celles de sa propre ligne (EPCI), jamais calculées à partir des communes."""
    social, _ = social_et_dico
    p = portrait(social_et_dico, GEVREY_CHAMBERTIN)
    for l in p.lignes:
        c = l.comparaison("Territoire")
        epci = social[(social["indicateur"] == l.code) & (social["type_zone"] == "EPCI") & (social["annee"] == l.annee)]
        if epci.empty or epci["valeur"].isna().all():
            assert c.valeur is None or pd.isna(c.valeur)
        else:
            assert c.valeur == epci["valeur"].iloc[0]
    texte = " ".join([*(l.position + l.etendue for l in p.lignes), *pc.remarques(p), p.fiches])
    assert "moyenne" not in texte


def test_fiches_du_plan_pour_tout_le_territoire(social_et_dico):
    p = portrait(social_et_dico, GEVREY_CHAMBERTIN)
    nombre = len(charger_plans()[0][GEVREY].fiches)
    assert p.fiches == (f"Les {nombre} fiches du plan portent sur tout le territoire ({TERRITOIRE.nom}) : aucune ne "
                        "vise une commune en particulier.")
    assert p.fiches_ciblees == ()


def test_tableau_pour_tableur_en_francais(social_et_dico):
    from ctg_data import exports

    p = portrait(social_et_dico, GEVREY_CHAMBERTIN)
    t = exports.tableau_pour_tableur(pc.tableau_pour_tableur(p))
    assert list(t.columns)[:2] == ["Indicateur", "Commune"]
    assert "Détail de la source (fichier, ligne)" == list(t.columns)[-1]
    assert not any(".csv" in str(v) for c in t.columns[:-1] for v in t[c])  # le technique en dernière colonne
    assert "None" not in t.astype(str).to_string() and "nan" not in t.astype(str).to_string()


def test_carte_de_situation_svg(social_et_dico):
    import geopandas as gpd

    communes = gpd.read_file(config.dossier_donnees() / fichier_pack(TERRITOIRE, "communes.geojson"))
    svg = pc.carte_de_situation(communes, "21295")
    assert svg.startswith("<svg") and svg.count("<path") == len(communes)
    assert f'fill="{pc.COULEUR_COMMUNE}"' in svg and "Situation de Gevrey-Chambertin" in svg
    assert "http://www.w3.org/2000/svg" in svg and "https://" not in svg  # aucun fond de carte en ligne


def test_pdf_du_portrait(brut, social_et_dico):
    from pypdf import PdfReader

    import geopandas as gpd

    p = portrait(social_et_dico, GEVREY_CHAMBERTIN)
    communes = gpd.read_file(config.dossier_donnees() / fichier_pack(TERRITOIRE, "communes.geojson"))
    lecteur = PdfReader(io.BytesIO(pc.en_pdf(p, "CTG Gevrey-Nuits 2023-2026", communes_geo=communes)))
    texte = " ".join(page.extract_text() for page in lecteur.pages).replace("\u00a0", " ").replace("\n", " ")
    assert "Portrait de commune — Gevrey-Chambertin" in texte
    mediane = lire(brut, "niveau_vie_median", "commune", 2019, "21295")["valeur"]
    assert fmt.valeur(mediane, "€").replace("\u00a0", " ").replace("\u202f", " ") in texte
    assert "2019" in texte and "Sources : INSEE, Filosofi, revenus disponibles" in texte
    assert ".csv" not in texte and "None" not in texte and "nan" not in texte.split()
    assert lecteur.metadata.title == "Portrait de commune — Gevrey-Chambertin"
    assert "En bleu : Gevrey-Chambertin" in texte  # la carte de situation et sa légende


# --- Page (AppTest) ----------------------------------------------------------------------------------
def test_page_sans_commune_invite_a_choisir():
    at = ouvrir_page("portrait", plan=GEVREY)
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Portrait de commune"]
    assert [i.value for i in at.info] == ["Choisissez une commune : ici, ou dans la colonne de gauche."]
    choix = at.selectbox(key="portrait_commune_choix")
    assert "21295" in choix.options or "Gevrey-Chambertin" in choix.options
    contenu = sans_echappement(textes_affiches(at))
    assert "ne concerne que" not in contenu and "construction" not in contenu.lower()
    assert len(at.dataframe) == 1  # les chiffres du territoire lui-même
    choix.set_value("21295").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Portrait de commune — Gevrey-Chambertin"]
    assert at.query_params["commune"] == "21295"


def test_page_avec_gevrey_chambertin(brut):
    at = ouvrir_page("portrait", plan=GEVREY, commune="21295")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Portrait de commune — Gevrey-Chambertin"]
    contenu = sans_echappement(textes_affiches(at))
    assert "ne concerne que" not in contenu and "construction" not in contenu.lower()
    assert "None" not in contenu and "nan" not in contenu.split()
    mediane = lire(brut, "niveau_vie_median", "commune", 2019, "21295")
    assert fmt.valeur(mediane["valeur"], "€") in [m.value for m in at.metric]
    assert "Gevrey-Chambertin, 2019" in contenu
    assert f"Source : {mediane['source']}" in contenu
    (tableau,) = [d.value for d in at.dataframe]
    ligne = tableau.set_index("Indicateur").loc["Niveau de vie médian, par an"]
    assert ligne["Commune"] == fmt.valeur(mediane["valeur"], "€") and ligne["Année"] == 2019
    assert ligne["Territoire"] == fmt.valeur(lire(brut, "niveau_vie_median", "EPCI", 2019)["valeur"], "€")
    assert "fiches du plan portent sur tout le territoire" in contenu
    assert [b.label for b in at.button if "PDF" in b.label] == ["Préparer le PDF (A4)"]
    at.button(key="portrait_commune_pdf_preparer").click().run()
    assert not at.exception and not at.error
    assert at.session_state["portrait_commune_pdf_octets"][0] == "21295"
    assert at.session_state["portrait_commune_pdf_octets"][1].startswith(b"%PDF")


def test_page_avec_une_commune_sans_filosofi(brut):
    code, nom = commune_sans_filosofi(brut)
    at = ouvrir_page("portrait", plan=GEVREY, commune=code)
    assert not at.exception and not at.error
    contenu = sans_echappement(textes_affiches(at))
    assert f"Pas de valeur publiée pour {nom}" in contenu
    assert "secret statistique" in contenu
    (tableau,) = [d.value for d in at.dataframe]
    assert tableau.set_index("Indicateur").loc["Niveau de vie médian, par an", "Commune"] == "pas de valeur publiée"


# --- Navigateur ----------------------------------------------------------------------------------------
ECRANS = [(1366, 768), (390, 844)]


@pytest.mark.navigateur
@pytest.mark.parametrize("largeur,hauteur", ECRANS, ids=["portable", "telephone"])
def test_navigateur_portrait_gevrey_chambertin(navigateur, serveur_app, largeur, hauteur):
    from playwright.sync_api import expect

    from tests.conftest import RESULTATS
    from tests.test_navigateur import attendre_page

    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{serveur_app}/portrait?plan={GEVREY}&commune=21295")
        attendre_page(page, "Portrait de commune — Gevrey-Chambertin")
        principal = page.get_by_test_id("stMain")
        carte = principal.get_by_test_id("stMetric").first
        expect(carte).to_contain_text(re.compile(r"\d{2}\s\d{3}\s€"))
        expect(principal.get_by_text("Gevrey-Chambertin, 2019").first).to_be_visible()
        expect(principal.get_by_test_id("stDataFrame").first).to_be_visible()
        expect(principal.locator("img[src^='data:image/svg+xml']")).to_have_count(1)  # carte de situation
        mesures = page.evaluate("""() => {
            const m = document.querySelector('[data-testid=stMain]');
            return {page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
                    principal: [m.scrollWidth, m.clientWidth]};
        }""")
        for nom, (defile, visible) in mesures.items():
            assert defile <= visible + 1, f"{nom} : {defile} px de contenu pour {visible} px visibles"
        # La valeur de la commune est dans l'écran, sans défilement de côté.
        boite = carte.bounding_box()
        assert boite and boite["x"] >= 0 and boite["x"] + boite["width"] <= largeur
        assert page.get_by_test_id("stException").count() == 0
        RESULTATS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTATS / f"portrait-commune-{largeur}x{hauteur}.png"), full_page=True)
    finally:
        contexte.close()
