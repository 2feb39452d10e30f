"""Graphiques du plan, définis une fois pour la page « Plan d'actions », l'accueil et le séminaire.

Chaque fonction reçoit un tableau déjà calculé par le cœur (``vues_plan.resume_plan``) et rend un
graphique Altair : couleurs des statuts lues dans le vocabulaire, nombres entiers (un indicateur ne se
compte pas en fractions), locale française portée par le graphique lui-même (``format.locale_vega``) pour
qu'il s'affiche pareil dans l'application, le séminaire et une image exportée. ``taille`` règle la police
(14 pour une page, 32 et plus pour une salle)."""
from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from ctg_data.couleurs import PALETTE_SERIES
from ctg_data.format import locale_vega
from ctg_data.vocabulaire import LIBELLES_STATUTS, STATUTS_ORDONNES, Statut


def sur_lignes(texte: str, largeur: int = 36) -> str:
    """Le libellé en lignes d'au plus ``largeur`` caractères, séparées par « \n » (un mot plus long reste
    entier) : un libellé d'axe s'écrit ainsi en entier, jamais coupé par « … »."""
    return "\n".join(textwrap.wrap(str(texte), largeur, break_long_words=False, break_on_hyphens=False)) or str(texte)


def _config(graphique: alt.Chart, taille: int) -> alt.Chart:
    return (graphique.configure(locale=locale_vega())
            .configure_axis(labelFontSize=taille, titleFontSize=taille, labelLimit=0)
            .configure_legend(labelFontSize=taille, titleFontSize=taille, orient="bottom", direction="horizontal",
                              columns=0, symbolSize=taille * 12, labelLimit=0)
            .configure_view(stroke=None))


def _barres_statuts(comptes: pd.DataFrame, ligne: str, ordre: list[str], titre_x: str, taille: int,
                    hauteur_ligne: int) -> alt.Chart:
    """Barres empilées : une ligne par ``ligne`` (axe ou fiche), une couleur par statut."""
    presents = [s for s in LIBELLES_STATUTS if s in set(comptes["Statut"])] or list(LIBELLES_STATUTS)
    couleurs = {s.libelle: s.couleur for s in STATUTS_ORDONNES}
    barres = (
        alt.Chart(comptes)
        .mark_bar(stroke="#ffffff", strokeWidth=1)
        .encode(
            # Un libellé long arrive coupé en lignes (« \n », voir ``sur_lignes``) : chaque ligne est écrite
            # en entier, le tout centré sur sa barre (Vega pose la première ligne au milieu de la barre).
            y=alt.Y(f"{ligne}:N", title=None, sort=ordre, axis=alt.Axis(
                labelLimit=0, labelExpr="split(datum.label, '\\n')", labelLineHeight=round(taille * 1.2),
                labelOffset={"expr": f"-(length(split(datum.value, '\\n')) - 1) * {round(taille * 0.6)}"})),
            x=alt.X("sum(Indicateurs):Q", title=titre_x, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("Statut:N", title="Statut", sort=presents,
                            scale=alt.Scale(domain=presents, range=[couleurs[s] for s in presents])),
            order=alt.Order("ordre_statut:Q"),
            tooltip=[alt.Tooltip(f"{ligne}:N"), alt.Tooltip("Statut:N"), alt.Tooltip("Indicateurs:Q", format="d")],
        )
        .transform_calculate(ordre_statut=" + ".join(
            f"(datum.Statut === {s!r} ? {i} : 0)" for i, s in enumerate(LIBELLES_STATUTS)) or "0")
        .properties(height=max(hauteur_ligne * len(ordre), hauteur_ligne))
    )
    return _config(barres, taille)


def hauteur_affichee(nb_lignes: int, *, taille: int = 14, hauteur_ligne: int = 36) -> int:
    """Hauteur totale (pixels) à donner à l'affichage d'un graphique de statuts : les barres, plus l'axe des
    nombres et la légende dessous. Sans elle, un graphique étiré en largeur tient tout entier dans la hauteur
    des seules barres et les écrase."""
    return hauteur_ligne * max(nb_lignes, 1) + 10 * taille


def statuts_par_axe(comptes_axes: pd.DataFrame, ordre_axes: list[str], *, taille: int = 14,
                    hauteur_ligne: int = 36) -> alt.Chart:
    """Nombre d'indicateurs de chaque statut, par axe (``ResumePlan.comptes_axes``)."""
    return _barres_statuts(comptes_axes, "Axe", list(ordre_axes), "Nombre d'indicateurs", taille, hauteur_ligne)


def comptes_par_fiche(statuts: pd.DataFrame, fiches: list[tuple[str, str]]) -> pd.DataFrame:
    """Tableau long (Fiche, Statut, Indicateurs) à partir des statuts d'indicateurs (``ResumePlan.statuts``).

    ``fiches`` : (identifiant, libellé affiché) dans l'ordre du plan ; une fiche sans indicateur n'a pas de
    ligne (elle n'a rien à compter)."""
    libelles = dict(fiches)
    if statuts.empty:
        return pd.DataFrame(columns=["Fiche", "Statut", "Indicateurs"])
    garde = statuts[statuts["fiche"].isin(libelles)]
    comptes = garde.groupby(["fiche", "statut"]).size().reset_index(name="Indicateurs")
    comptes["Fiche"] = comptes["fiche"].map(libelles)
    comptes = comptes.rename(columns={"statut": "Statut"})[["Fiche", "Statut", "Indicateurs"]]
    return comptes


def statuts_par_fiche(statuts: pd.DataFrame, fiches: list[tuple[str, str]], *, taille: int = 14,
                      hauteur_ligne: int = 36) -> alt.Chart:
    """Nombre d'indicateurs de chaque statut, par fiche d'un axe."""
    comptes = comptes_par_fiche(statuts, fiches)
    ordre = [l for i, l in fiches if l in set(comptes["Fiche"])]
    return _barres_statuts(comptes, "Fiche", ordre, "Nombre d'indicateurs", taille, hauteur_ligne)


def valeurs_indicateur(valeurs: pd.DataFrame, unite, cible, reference, *, hauteur: int = 280) -> alt.Chart:
    """Les valeurs chiffrées d'un indicateur (``vues_plan.valeurs_chiffrees`` : zone, période, valeur,
    source), une ligne par zone, avec la cible (trait pointillé vert) et la référence (gris) quand le plan
    les fixe."""
    points = alt.Chart(valeurs).mark_line(point=True).encode(
        x=alt.X("periode:N", title="Période", sort="ascending"),
        y=alt.Y("valeur:Q", title=unite if isinstance(unite, str) else "Valeur"),
        color=alt.Color("zone:N", title="Zone", scale=alt.Scale(range=PALETTE_SERIES)),
        tooltip=[alt.Tooltip("zone:N", title="Zone"), alt.Tooltip("periode:N", title="Période"),
                 alt.Tooltip("valeur:Q", title="Valeur"), alt.Tooltip("source:N", title="Source")],
    )
    couches = [points]
    for nom, valeur, couleur in (("Cible", cible, Statut.ATTEINT.couleur), ("Référence", reference, "#666666")):
        if pd.notna(valeur):
            couches.append(alt.Chart(pd.DataFrame({"y": [valeur], "nom": [nom]})).mark_rule(
                strokeDash=[6, 4], color=couleur).encode(
                    y="y:Q", tooltip=[alt.Tooltip("nom:N", title=""), alt.Tooltip("y:Q", title="Valeur")]))
    return alt.layer(*couches).properties(height=hauteur)
