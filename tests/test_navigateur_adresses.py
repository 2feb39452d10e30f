"""Dans un vrai navigateur : chaque adresse de l'application, ouverte telle quelle, sur un ordinateur
portable (1366 × 768) et sur un téléphone (390 × 844).

Chaque page est ouverte dans un navigateur neuf (contexte Playwright neuf : ni session, ni stockage
local), sans paramètre, avec ``?quartier=gresilles`` et avec ``?plan=ctg-gevrey-nuits-2023-2026`` (les
liens partagés). Une fois la page affichée (script terminé) :

- ni boîte de dialogue (« Page not found »…), ni erreur de Streamlit (``stException``), ni message
  d'erreur inattendue ;
- rien de plus large que l'écran : ni la page, ni le bloc principal ne défilent de côté ;
- les chiffres se lisent sans faire défiler de côté : chaque valeur de métrique est dans l'écran, et
  dans chaque tableau (st.dataframe, une grille dessinée dans un canevas) les colonnes de chiffres
  (``COLONNES_CLES``, et toute colonne dont chaque cellule affichée est un nombre) sont entièrement
  visibles sans faire défiler le tableau. La grille ne met dans sa table accessible (ARIA) que les
  colonnes qu'elle dessine : une colonne y figure si elle est au moins en partie visible ; elle l'est
  entièrement si une colonne la suit dans l'écran, ou si c'est la dernière du tableau.

Sur le téléphone, le menu (barre latérale) est fermé à l'ouverture, et se referme après le choix d'une
page (comportement de Streamlit pour un téléphone, ``initial_sidebar_state="auto"`` dans app.py) ; sur
l'ordinateur portable, il est ouvert.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import hors_ligne

pytestmark = pytest.mark.navigateur

PAGES = ["", "accueil", "carte", "contexte", "portrait", "plan", "recapitulatif", "acteurs", "seminaire", "donnees"]
REQUETES = {"sans-parametre": "", "quartier": "?quartier=gresilles", "plan": "?plan=ctg-gevrey-nuits-2023-2026",
            "contrat-de-ville": "?plan=contrat-de-ville-dijon-metropole-2019-2022"}
ECRANS = {"portable": (1366, 768), "telephone": (390, 844)}
# Un téléphone Android : Streamlit reconnaît un téléphone à son « user agent » (pour refermer le menu
# après le choix d'une page) et la page se met à la largeur de l'écran (balise meta viewport).
TELEPHONE = {
    "user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/124.0.0.0 Mobile Safari/537.36"),
    "is_mobile": True, "has_touch": True, "device_scale_factor": 1,
}

# Les colonnes de chiffres, par page, qui doivent se lire sans faire défiler le tableau de côté (quand le
# tableau les a). Les autres colonnes de nombres purs sont repérées d'après leurs cellules.
COLONNES_CLES = {
    "portrait": {"Nombre", "Quartier", "Dijon", "QPV"},
    "plan": {"Statut de l'axe", "Répartition", "Dernière valeur", "Cible", "Statut"},
    "recapitulatif": {"Statut", "Répartition", "Valeur", "Cible"},
    "donnees": {"Valeur"},
}
# Des codes écrits en chiffres, pas des nombres à lire.
CODES = {"Code postal", "code_postal", "Code INSEE", "code_insee", "code_iris", "code_commune"}
# Colonnes dont les nombres sont déjà lisibles dans une colonne visible du même tableau (« Répartition » :
# le nombre d'indicateurs par statut en une phrase) : elles peuvent rester à droite, pour trier.
REDITES = {"Répartition": {"à renseigner", "en cours", "atteint", "non atteint", "abandonné", "Indicateurs",
                           "Renseignés"}}
NOMBRE = re.compile(r"^[-−+]?\d[\d\s\u00a0\u202f]*(,\d+)?(\s?(%|€))?$")

MESURES = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const bloc = document.querySelector('[data-testid=stMainBlockContainer]');
  return {
    page: document.scrollingElement.scrollWidth, largeur: window.innerWidth,
    main: main ? [main.scrollWidth, main.clientWidth] : null,
    bloc: bloc ? Math.round(bloc.getBoundingClientRect().right) : null,
    metriques: [...document.querySelectorAll('[data-testid=stMetricValue]')]
      .filter(m => m.offsetParent !== null)
      .map(m => { const r = m.getBoundingClientRect(); return [m.innerText, Math.round(r.left), Math.round(r.right)]; }),
  };
}"""

# Une grille : ses colonnes dessinées (table ARIA : en-têtes et premières cellules), leur nombre total.
GRILLE = """(e) => {
  const t = e.querySelector('table[role=grid]');
  if (!t) return null;
  const entetes = [...t.querySelectorAll('th[role=columnheader]')].map(h => [+h.getAttribute('aria-colindex'), h.innerText.trim()]);
  const cellules = {};
  for (const c of t.querySelectorAll('td[role=gridcell]')) {
    const i = +c.getAttribute('aria-colindex');
    (cellules[i] = cellules[i] || []).push(c.innerText.trim());
  }
  const r = e.getBoundingClientRect();
  return {total: +t.getAttribute('aria-colcount'), entetes, cellules, gauche: r.left, droite: r.right,
          visible: r.width > 0 && r.height > 0};
}"""


def attendre_fin(page) -> None:
    """Le script de la page a fini de tourner (titre affiché, plus d'indicateur d'exécution)."""
    # Le titre, ou le message d'une page qui n'a rien à montrer pour ce plan (carte, contexte…).
    expect(page.get_by_test_id("stMain").locator("h1, [data-testid=stAlert]").first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(600)  # dessin des grilles et des cartes


def menu_ferme(page) -> bool:
    return page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"


def colonnes_mal_placees(page, nom_page: str) -> list[str]:
    """Les colonnes de chiffres de chaque grille visible qui ne sont pas entièrement dans l'écran."""
    cles = COLONNES_CLES.get(nom_page, set())
    problemes = []
    largeur = page.evaluate("innerWidth")
    grilles = page.get_by_test_id("stMain").get_by_test_id("stDataFrame")
    for i in range(grilles.count()):
        grille = grilles.nth(i)
        if not grille.is_visible():
            continue  # dans un volet fermé ou un onglet caché
        grille.scroll_into_view_if_needed()
        try:
            page.wait_for_function(
                "e => e.querySelector('table[role=grid] th[role=columnheader]') !== null",
                arg=grille.element_handle(), timeout=10_000)
        except Exception:  # noqa: BLE001  (grille sans en-tête : rien à mesurer)
            continue
        g = grille.evaluate(GRILLE)
        if not g or not g["visible"] or not g["entetes"]:
            continue
        if g["droite"] > largeur + 1:
            problemes.append(f"tableau {i + 1} : bord droit à {g['droite']:.0f} px, écran de {largeur} px")
        dessinees = dict(g["entetes"])
        derniere = max(dessinees)
        entieres = {nom for index, nom in dessinees.items() if index < derniere or index == g["total"]}
        coupee = {dessinees[derniere]} - entieres
        redites = set().union(*(REDITES[c] for c in entieres if c in REDITES))
        cachees = ({*cles, *colonnes_de_nombres(g)} & coupee) - redites
        if g["total"] > len(dessinees):
            # Colonnes hors de l'écran : leurs noms et leurs cellules, en faisant défiler la grille jusqu'au
            # bout, puis revenir.
            cachees |= colonnes_hors_ecran(page, grille, set(dessinees.values()), cles) - redites
        if cachees:
            problemes.append(f"tableau {i + 1} ({', '.join(n for _, n in sorted(dessinees.items()))}) : "
                             f"colonne(s) {', '.join(sorted(cachees))} hors de l'écran sans défilement")
    return problemes


def colonnes_de_nombres(g: dict) -> set[str]:
    """Les colonnes dessinées dont chaque cellule affichée (non vide) est un nombre."""
    entetes = dict(g["entetes"])
    return {entetes[int(index)] for index, valeurs in g["cellules"].items()
            if int(index) in entetes and entetes[int(index)] not in CODES and (non_vides := [v for v in valeurs if v])
            and all(NOMBRE.match(v) for v in non_vides)}


def colonnes_hors_ecran(page, grille, deja_vues: set[str], cles: set[str]) -> set[str]:
    """Les colonnes de chiffres (clés ou de nombres purs) que la grille ne dessine qu'une fois défilée
    jusqu'au bout, à droite."""
    defilement = grille.locator(".dvn-scroller").first
    if defilement.count() == 0:
        return set()
    defilement.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(300)
    g = grille.evaluate(GRILLE)
    noms = ({n for _, n in g["entetes"]} & cles) | colonnes_de_nombres(g)
    defilement.evaluate("e => { e.scrollLeft = 0; }")
    page.wait_for_timeout(200)
    return noms - deja_vues


@pytest.fixture(scope="module")
def contextes(navigateur):
    """Un contexte neuf par page ouverte (rien de gardé d'une page à l'autre), fermé après usage."""
    ouverts = []

    def ouvrir(ecran: str):
        largeur, hauteur = ECRANS[ecran]
        contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR",
                                          **(TELEPHONE if ecran == "telephone" else {}))
        contexte.route("**/*", hors_ligne)
        onglet = contexte.new_page()
        onglet.set_default_timeout(30_000)
        onglet.dialogues = []
        onglet.on("dialog", lambda d: (onglet.dialogues.append(d.message), d.dismiss()))
        ouverts.append(contexte)
        return onglet

    yield ouvrir
    for contexte in ouverts:
        contexte.close()


@pytest.mark.parametrize("requete", list(REQUETES), ids=list(REQUETES))
@pytest.mark.parametrize("ecran", list(ECRANS))
@pytest.mark.parametrize("chemin", PAGES, ids=[p or "racine" for p in PAGES])
def test_adresse(contextes, serveur_app, chemin, ecran, requete):
    page = contextes(ecran)
    try:
        page.goto(f"{serveur_app}/{chemin}{REQUETES[requete]}")
        attendre_fin(page)
        assert page.dialogues == []
        assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").first.inner_text()
        for anglais in ("Page not found", "You have requested a page"):
            assert page.get_by_text(anglais).count() == 0, anglais
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_text("Une erreur inattendue a empêché").count() == 0
        if ecran == "telephone":
            assert menu_ferme(page), "menu ouvert à l'arrivée sur un téléphone"
        else:
            assert not menu_ferme(page), "menu fermé à l'arrivée sur un ordinateur portable"

        m = page.evaluate(MESURES)
        assert m["page"] <= m["largeur"], f"page plus large que l'écran : {m['page']} px pour {m['largeur']} px"
        assert m["main"][0] <= m["main"][1] + 1, f"bloc principal qui défile de côté : {m['main']}"
        assert m["bloc"] is None or m["bloc"] <= m["largeur"], f"bloc principal jusqu'à {m['bloc']} px"
        dehors = [(texte, g, d) for texte, g, d in m["metriques"] if g < 0 or d > m["largeur"]]
        assert not dehors, f"valeurs de métriques hors de l'écran : {dehors}"
        problemes = colonnes_mal_placees(page, chemin or "accueil")
        assert not problemes, "\n".join(problemes)
    finally:
        page.context.close()


def test_menu_du_telephone_se_referme_apres_le_choix_d_une_page(contextes, serveur_app):
    page = contextes("telephone")
    page.goto(f"{serveur_app}/recapitulatif")
    attendre_fin(page)
    assert menu_ferme(page)
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Portrait de quartier").click()
    expect(page.get_by_role("heading", name="Portrait de quartier", level=1)).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    assert page.url.endswith("/portrait")


def test_menu_du_portable_reste_ouvert_apres_le_choix_d_une_page(contextes, serveur_app):
    page = contextes("portable")
    page.goto(f"{serveur_app}/recapitulatif")
    attendre_fin(page)
    assert not menu_ferme(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Portrait de quartier").click()
    expect(page.get_by_role("heading", name="Portrait de quartier", level=1)).to_be_visible()
    assert not menu_ferme(page)
