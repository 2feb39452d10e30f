"""Accessibilité : axe-core (paquet npm) sur chaque page, dans un vrai navigateur. Aucune violation
grave (« serious ») ou critique (« critical ») n'est admise."""

import json

import pytest

from ctg_data.lanceur import AXE
from tests.test_navigateur import attendre_page

pytestmark = pytest.mark.navigateur

PAGES = [
    ("", "Convention Territoriale Globale de Dijon"),
    ("carte", None),
    ("contexte", "Contexte social"),
    ("portrait?quartier=gresilles", "Portrait de quartier — Grésilles"),
    ("plan", "Plan d'actions — CTG Dijon 2024-2027"),
    ("recapitulatif", "Tableau récapitulatif annuel"),
    ("acteurs", "Cartographie des acteurs"),
    ("seminaire", "Séminaire annuel de coordination"),
    ("donnees", "Données et sources"),
]


@pytest.mark.parametrize("chemin,titre", PAGES)
def test_aucune_violation_grave(page, serveur_app, chemin, titre):
    if not AXE.exists():
        pytest.skip(f"axe-core absent ({AXE}) : lancez les tests par « python3 -m ctg_data.lanceur tests »")
    page.goto(f"{serveur_app}/{chemin}")
    if titre:
        attendre_page(page, titre)
    else:
        page.get_by_role("heading", level=1).first.wait_for()
        page.get_by_test_id("stStatusWidget").wait_for(state="detached")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({regle: v.id, gravite: v.impact, aide: v.help, elements: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
    )
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
