"""Mise en forme des nombres à la française : 159 106 ; 16 % ; 1 847 € ; 11,5 %."""

from __future__ import annotations

import math

ESPACE = "\u00a0"  # espace insécable : le nombre et son unité ne sont jamais coupés en fin de ligne

UNITES_COLLEES = {"%": "%", "€": "€", "€ par mois": "€ par mois", "€ par an": "€ par an"}


def nombre(x, decimales: int | None = None, signe: bool = False) -> str:
    """Nombre à la française. Sans ``decimales`` : autant que nécessaire, deux au plus."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    if decimales is None:
        decimales = 0 if x == round(x) else (1 if x * 10 == round(x * 10) else 2)
    texte = f"{abs(x):,.{decimales}f}".replace(",", ESPACE).replace(".", ",")
    if x < 0:
        texte = "−" + texte
    elif signe and x > 0:
        texte = "+" + texte
    return texte


def valeur(x, unite: str | None = None, qualificatif: str | None = None, signe: bool = False) -> str:
    """« près de 21 000 personnes », « 16 % », « 1 847 € », « +1 point »."""
    texte = nombre(x, signe=signe)
    if unite:
        u = unite
        if unite == "points" and abs(float(x)) <= 1:
            u = "point"
        texte = f"{texte}{ESPACE}{u}"
    if qualificatif:
        texte = f"{qualificatif} {texte}"
    return texte


def annee(a) -> str:
    try:
        if a is None or (isinstance(a, float) and math.isnan(a)):
            raise TypeError
        return str(int(a))
    except (TypeError, ValueError):
        return "année non précisée"
