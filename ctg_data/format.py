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
    """« près de 21 000 personnes », « 16 % », « 1 847 € », « +1 point ».

    Une variation négative accompagnée d'un qualificatif se lit comme une baisse : −4 000 avec
    « plus de » donne « baisse de plus de 4 000 personnes » (et non « plus de −4 000 », qui ne veut
    rien dire). Sans qualificatif, le signe reste : « −4 000 personnes ». De même, avec ``signe`` et
    un qualificatif, une valeur positive donne « hausse de près de 9 000 personnes ».
    """
    sens = None
    if qualificatif and x is not None and not (isinstance(x, float) and math.isnan(x)):
        if float(x) < 0:
            sens = "baisse de"
        elif signe and float(x) > 0:
            sens = "hausse de"
    texte = nombre(abs(float(x)) if sens else x, signe=signe and not sens)
    if unite:
        u = unite
        if unite == "points" and abs(float(x)) <= 1:
            u = "point"
        texte = f"{texte}{ESPACE}{u}"
    if qualificatif:
        texte = f"{qualificatif} {texte}"
    if sens:
        texte = f"{sens} {texte}"
    return texte


def annee(a) -> str:
    try:
        if a is None or (isinstance(a, float) and math.isnan(a)):
            raise TypeError
        return str(int(a))
    except (TypeError, ValueError):
        return "année non précisée"


# --- Graphiques (Vega-Lite) : nombres à la française ---------------------------------------------
def locale_vega() -> dict:
    """La « locale » des graphiques Vega-Lite (``config.locale``) : les axes, légendes et infobulles
    écrivent 20 000 et 12,5 (espace insécable entre les milliers, virgule décimale), comme ``nombre``.
    Les formats d3 des graphiques (``format=".1f"``, ``"d"``…) suivent cette locale. Mois et jours en
    français pour les axes de dates."""
    return {
        "number": {"decimal": ",", "thousands": ESPACE, "grouping": [3], "currency": ["", ESPACE + "€"],
                   "percent": ESPACE + "%", "minus": "−"},
        "time": {
            "dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
            "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
            "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                       "octobre", "novembre", "décembre"],
            "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                            "nov.", "déc."],
        },
    }
