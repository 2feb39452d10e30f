"""Dans un vrai navigateur, sur un ordinateur portable (1366 × 768) et sur un téléphone (390 × 844) :
la cartographie des acteurs de tous les plans (plus de 70 acteurs) tient dans la largeur de l'écran,
les noms du graphique sont écrits en entier (le graphique est dessiné en SVG : on lit ses libellés), et
le nom et le nombre de fiches du tableau se lisent sans faire défiler de côté."""

import pandas as pd
import pytest
from playwright.sync_api import expect

from ctg_data import acteurs
from ctg_data.plan import charger_plans
from tests.conftest import DONNEES, RESULTATS, hors_ligne
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur


PLAN_SUIVI = "ctg-dijon-2024-2027"  # le plan choisi d'office à l'ouverture de la page


def classement_et_n(plans):
    table = pd.read_csv(DONNEES / "acteurs_normalisation.csv", dtype=str).fillna("")
    classement = acteurs.par_acteur(acteurs.liens(list(plans), table))
    return classement, acteurs.nombre_affiche(classement)


@pytest.fixture(scope="module")
def attendu():
    plans, _ = charger_plans()
    return plans, classement_et_n(plans.values()), classement_et_n([plans[PLAN_SUIVI]])


def choisir_tous_les_plans(page, plans) -> None:
    filtre = page.get_by_test_id("stMain").get_by_test_id("stMultiSelect").first
    for plan in plans.values():
        if filtre.get_by_text(plan.titre_court, exact=True).count():
            continue  # déjà choisi (le plan suivi l'est d'office)
        for _ in range(3):  # la liste peut se refermer pendant que la page se met à jour
            filtre.locator("input").click()
            option = page.locator("[role=option]", has_text=plan.titre_court)
            try:
                option.first.click(timeout=10_000)
                break
            except Exception:
                page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


LIBELLES_Y = """() => {
  const svg = document.querySelector('[data-testid=stVegaLiteChart] svg');
  const boite = svg.getBoundingClientRect();
  const axe = svg.querySelector('g[aria-label^="Y-axis"]');
  const barres = Array.from(svg.querySelectorAll('g.mark-rect.role-mark path')).map(b => {
    const r = b.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
  return {svg: [boite.left, boite.right], barres: barres,
          libelles: Array.from(axe.querySelectorAll('g.role-axis-label text')).map(t => {
            const lignes = t.querySelectorAll('tspan');
            const r = t.getBoundingClientRect();
            return {texte: lignes.length ? Array.from(lignes).map(l => l.textContent).join(' ') : t.textContent,
                    gauche: r.left, droite: r.right, milieu: (r.top + r.bottom) / 2};
          })};
}"""


@pytest.mark.parametrize("largeur,hauteur", [(1366, 768), (390, 844)], ids=["portable", "telephone"])
def verifier_graphique(page, classement, n) -> None:
    """Le graphique montre les ``n`` premiers acteurs du classement, annoncés par la phrase ; chaque nom
    est écrit en entier, dans le dessin, centré sur sa barre ; rien ne dépasse de la largeur de l'écran."""
    principal = page.get_by_test_id("stMain")
    expect(principal.get_by_text("acteurs nommés dans")).to_contain_text(f"{len(classement)} acteurs nommés dans")
    expect(principal.get_by_text(acteurs.phrase_graphique(n, len(classement)))).to_be_visible()
    page.locator("[data-testid=stVegaLiteChart] svg g[aria-label^='Y-axis']").first.wait_for()
    page.wait_for_timeout(500)  # le dessin suit l'arrivée du graphique
    largeurs = page.evaluate("""() => { const m = document.querySelector('[data-testid=stMain]');
        return [document.documentElement.scrollWidth, document.documentElement.clientWidth, m.scrollWidth, m.clientWidth]; }""")
    assert largeurs[0] <= largeurs[1] and largeurs[2] <= largeurs[3], largeurs
    contenu = page.get_by_test_id("stMainBlockContainer").bounding_box()
    lu = page.evaluate(LIBELLES_Y)
    gauche, droite = lu["svg"]
    assert contenu["x"] - 1 <= gauche and droite <= contenu["x"] + contenu["width"] + 1
    assert [l["texte"] for l in lu["libelles"]] == list(classement["Acteur"].head(n))
    for libelle in lu["libelles"]:
        assert "…" not in libelle["texte"]
        assert gauche - 1 <= libelle["gauche"] and libelle["droite"] <= droite + 1, libelle
        # Le nom, même sur plusieurs lignes, est centré sur sa barre (pas décalé vers la suivante).
        assert min(abs(libelle["milieu"] - b) for b in lu["barres"]) <= 4, libelle


@pytest.mark.parametrize("largeur,hauteur", [(1366, 768), (390, 844)], ids=["portable", "telephone"])
def test_acteurs_de_tous_les_plans_lisibles(navigateur, serveur_app, attendu, largeur, hauteur):
    plans, (classement, n), (classement_suivi, n_suivi) = attendu
    assert len(classement) >= 70 and n < len(classement)
    # Le plan suivi seul : des noms longs, sur trois ou quatre lignes.
    assert max(len(acteurs.libelle(a)) for a in classement_suivi["Acteur"].head(n_suivi)) >= 3
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    contexte.route("**/*", hors_ligne)
    page = contexte.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{serveur_app}/acteurs")
        attendre_page(page, "Cartographie des acteurs")
        verifier_graphique(page, classement_suivi, n_suivi)
        choisir_tous_les_plans(page, plans)
        verifier_graphique(page, classement, n)
        principal = page.get_by_test_id("stMain")

        # Le tableau : nom et nombre de fiches (colonnes épinglées) tiennent dans sa largeur visible.
        tableau = principal.get_by_test_id("stDataFrame").first
        tableau.scroll_into_view_if_needed()
        boite = tableau.bounding_box()
        assert boite["x"] >= 0 and boite["x"] + boite["width"] <= largeur
        assert boite["width"] >= acteurs.LARGEUR_ACTEUR + acteurs.LARGEUR_FICHES
        entetes = tableau.locator("th").evaluate_all("els => els.map(e => e.textContent)")
        assert entetes[:2] == ["Acteur", "Fiches"], entetes
        expect(principal.get_by_test_id("stDownloadButton").first).to_be_visible()

        RESULTATS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTATS / f"acteurs-{largeur}x{hauteur}.png"))
    finally:
        contexte.close()
