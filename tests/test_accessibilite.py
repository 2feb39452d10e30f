"""Accessibilité : axe-core (paquet npm) sur chaque page, dans un vrai navigateur. Aucune violation
grave (« serious ») ou critique (« critical ») n'est admise."""

import json

import pytest

from ctg_data.lanceur import AXE
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur

PAGES = [
    ("", "Convention Territoriale Globale — Ville de Dijon"),
    ("carte", None),
    ("contexte", "Contexte social"),
    ("portrait?quartier=gresilles", "Portrait de quartier — Grésilles"),
    ("plan", "Plan d'actions — CTG Dijon 2024-2027"),
    ("recapitulatif", "Tableau récapitulatif annuel"),
    ("acteurs", "Cartographie des acteurs"),
    ("seminaire", "Séminaire annuel de coordination"),
    ("donnees", "Données et sources"),
]


def violations_graves(page) -> list[dict]:
    """Les violations « serious » ou « critical » d'axe-core sur la page affichée."""
    if not AXE.exists():
        pytest.skip(f"axe-core absent ({AXE}) : lancez les tests par « python3 -m ctg_data.lanceur tests »")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({regle: v.id, gravite: v.impact, aide: v.help, elements: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
    )


@pytest.mark.parametrize("chemin,titre", PAGES)
def test_aucune_violation_grave(page, serveur_app, chemin, titre):
    page.goto(f"{serveur_app}/{chemin}")
    if titre:
        attendre_page(page, titre)
    else:
        page.get_by_role("heading", level=1).first.wait_for()
        page.get_by_test_id("stStatusWidget").wait_for(state="detached")
    violations = violations_graves(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def aller_au_clavier(page, est_la_cible: str, essais: int = 80) -> None:
    """Appuie sur Tab jusqu'à ce que l'élément actif vérifie ``est_la_cible`` (expression JS sur
    ``e``, l'élément actif) ; échoue si on ne l'atteint jamais au clavier."""
    for _ in range(essais):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({est_la_cible}); }}"):
            return
    raise AssertionError(f"élément jamais atteint avec la touche Tab : {est_la_cible}")


def test_parcours_au_clavier_seul(page, serveur_app):
    """Sans souris : choisir un quartier dans la colonne de gauche, ouvrir la carte par le menu, puis
    déplier le tableau qui remplace la carte — uniquement avec Tab, la saisie et Entrée."""
    import re

    from playwright.sync_api import expect

    page.goto(serveur_app)
    attendre_page(page, "Convention Territoriale Globale — Ville de Dijon")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier")).to_be_visible()
    aller_au_clavier(page, "e.getAttribute('aria-label') && e.getAttribute('aria-label').startsWith('Quartier')")
    page.keyboard.type("Grési")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?quartier=gresilles$"))
    expect(page.get_by_text(re.compile("équipements et services dans le quartier Grésilles"))).to_be_visible()

    aller_au_clavier(page, "e.tagName === 'A' && e.innerText.trim().endsWith('Carte des équipements')")
    page.keyboard.press("Enter")
    attendre_page(page, re.compile(r"quartier Grésilles \(2 équipements\)"))

    aller_au_clavier(page, "e.tagName === 'SUMMARY' && e.innerText.includes('La carte en tableau')")
    page.keyboard.press("Enter")
    tableau = page.get_by_test_id("stExpander").filter(has_text="La carte en tableau").get_by_test_id("stDataFrame")
    expect(tableau).to_be_visible()
