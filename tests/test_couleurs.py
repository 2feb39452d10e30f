"""Couleurs des graphiques et des pages : contraste conforme au RGAA / WCAG 2.1 AA."""

import re

import pytest

from ctg_data import couleurs
from tests.conftest import RACINE


def test_calcul_du_contraste():
    assert couleurs.contraste("#000000", "#FFFFFF") == pytest.approx(21)
    assert couleurs.contraste("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert couleurs.contraste("#767676") == pytest.approx(4.54, abs=0.01)  # valeur de référence connue


@pytest.mark.parametrize("couleur", [
    *couleurs.PALETTE_SERIES, *couleurs.COULEURS_STATUTS.values(), *couleurs.COULEURS_ROLES,
    couleurs.BARRE, couleurs.BARRE_CHOISIE, couleurs.REPERE, couleurs.CONTOUR,
])
def test_traits_et_barres_contraste_3_sur_fond_blanc(couleur):
    """Critère 1.4.11 (contenu non textuel) : au moins 3:1 avec le fond."""
    assert couleurs.contraste(couleur) >= 3, couleur


def test_couleurs_distinctes():
    assert len(set(couleurs.PALETTE_SERIES)) == len(couleurs.PALETTE_SERIES)
    assert len(set(couleurs.COULEURS_STATUTS.values())) == len(couleurs.COULEURS_STATUTS)
    # La barre du quartier choisi se distingue des autres barres qui la touchent.
    assert couleurs.contraste(couleurs.BARRE_CHOISIE, couleurs.BARRE) >= 3


def test_couleurs_ecrites_dans_les_pages():
    """Toute couleur écrite en dur dans une page (texte du mode séminaire, trait de référence…) a
    au moins 3:1 sur fond blanc ; les palettes sont dans ctg_data/couleurs.py."""
    trouvees = {(f.name, c) for f in (RACINE / "pages").rglob("*.py")
                for c in re.findall(r"#[0-9A-Fa-f]{6}\b", f.read_text(encoding="utf-8"))}
    assert trouvees, "aucune couleur trouvée : le motif ne lit plus les pages"
    faibles = [(f, c, round(couleurs.contraste(c), 2)) for f, c in trouvees if couleurs.contraste(c) < 3]
    assert faibles == []
