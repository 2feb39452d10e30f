"""Couleurs des graphiques, choisies pour le contraste (WCAG 2.1 AA) :

- toute couleur de trait, de point ou de barre a un contraste d'au moins 3:1 avec le fond blanc
  (critère 1.4.11, contenu non textuel) ; les barres ont en plus un contour foncé ;
- les teintes restent distinctes pour les personnes daltoniennes autant que possible (d'après la
  palette d'Okabe et Ito, assombrie), et chaque graphique a son tableau : la couleur n'est jamais
  la seule façon de lire une valeur.
"""

from __future__ import annotations

# Statuts des indicateurs : libellé -> couleur, définis une seule fois dans ctg_data.vocabulaire (Statut).
from .vocabulaire import COULEURS_STATUTS  # noqa: F401  (réexporté)

FOND = "#FFFFFF"
CONTOUR = "#161616"  # contour des barres et des carrés

# Séries (une couleur par quartier, par zone…), dans l'ordre d'attribution.
PALETTE_SERIES = ["#0072B2", "#D55E00", "#009E73", "#6A1B9A", "#8A5A00", "#C2185B", "#3A3A3A", "#1F6F8B",
                  "#000091", "#5C5C00"]

# Fond d'une ligne sur deux dans un tableau (décor : l'information reste dans le texte, noir sur ce fond).
FOND_ALTERNE = "#F0F0FA"

BARRE = "#3182BD"  # barre ordinaire
BARRE_CHOISIE = "#000091"  # barre du quartier choisi
REPERE = "#CE0500"  # traits de référence (Dijon, Côte-d'Or, France)

# Rôles dans la cartographie des acteurs.
COULEURS_ROLES = ["#000091", "#D55E00", "#009E73"]


def luminance(hexa: str) -> float:
    """Luminance relative (WCAG 2.1) d'une couleur « #RRGGBB »."""
    r, g, b = (int(hexa[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contraste(a: str, b: str = FOND) -> float:
    """Rapport de contraste (WCAG 2.1) entre deux couleurs, de 1 à 21."""
    clair, fonce = sorted([luminance(a), luminance(b)], reverse=True)
    return (clair + 0.05) / (fonce + 0.05)
