"""Le tableau récapitulatif annuel des fiches projet (Annexe 5 de la CTG) : tableau, XLSX et PDF A4.

« Le (la) chargé(e) de coopération territoriale produira annuellement un tableau récapitulatif
complet de l'état d'avancement des fiches projet, comprenant les indicateurs d'évaluation […] »
(CTG, Annexe 5).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from . import pdf
from .plan import A_DEFINIR, Plan
from .suivi import synthese
from .territoire import Territoire
from .vues_plan import statuts_du_plan, territoire_du_plan, texte_valeur_datee
from .vues_plan import texte_valeur as _texte_valeur

COLONNES = ["Axe", "Fiche", "Indicateur", "Valeur", "Période", "Cible", "Statut", "Commentaire", "Source de la valeur"]


def valeurs_jusqu_a(courantes: pd.DataFrame, annee: int) -> pd.DataFrame:
    if courantes.empty:
        return courantes
    return courantes[courantes["periode"].str[:4].astype(int) <= annee]


def statuts_au_31_decembre(plan: Plan, courantes: pd.DataFrame, manuels: pd.DataFrame, annee: int,
                           territoire: Territoire | None = None) -> pd.DataFrame:
    """Les statuts des indicateurs au 31 décembre de ``annee``, d'après les valeurs de cette année ou
    d'avant (dernière valeur : celle du territoire entier du plan, voir ``vues_plan.statuts_du_plan``)."""
    return statuts_du_plan(plan, territoire or territoire_du_plan(plan), valeurs_jusqu_a(courantes, annee), manuels,
                           dt.date(annee, 12, 31))


def tableau_annuel(plan: Plan, courantes: pd.DataFrame, manuels: pd.DataFrame, annee: int,
                   territoire: Territoire | None = None) -> pd.DataFrame:
    """Une ligne par indicateur (et une par fiche sans indicateur), valeurs connues à la fin de ``annee``.
    Les statuts sont ceux du 31 décembre de cette année."""
    statuts = statuts_au_31_decembre(plan, courantes, manuels, annee, territoire)
    par_indicateur = statuts.set_index("indicateur") if not statuts.empty else statuts
    lignes = []
    for fiche in plan.fiches:
        axe = plan.axe(fiche.axe)
        debut = {"Axe": f"{axe.numero}. {axe.titre}", "Fiche": f"{fiche.id} — {fiche.titre}"}
        if not fiche.indicateurs:
            lignes.append(debut | {"Indicateur": fiche.sans_indicateur or "Aucun indicateur", "Valeur": "",
                                   "Période": "", "Cible": "", "Statut": "", "Commentaire": "", "Source de la valeur": ""})
            continue
        for ind in fiche.indicateurs:
            s = par_indicateur.loc[ind.id]
            lignes.append(debut | {
                "Indicateur": ind.libelle,
                "Valeur": texte_valeur(s, ind.unite),
                "Période": "" if pd.isna(s["derniere_periode"]) else f"{s['derniere_periode']} ({s['derniere_zone']})",
                "Cible": texte_cible(ind),
                "Statut": s["statut"] + (" (fixé à la main)" if isinstance(s["statut_manuel_par"], str) else ""),
                "Commentaire": " ".join(x for x in (
                    s["derniere_commentaire"] if isinstance(s["derniere_commentaire"], str) else "",
                    f"Statut fixé par {s['statut_manuel_par']} : {s['statut_manuel_motif']}" if isinstance(s["statut_manuel_par"], str) else "",
                ) if x),
                "Source de la valeur": s["derniere_source"] if isinstance(s["derniere_source"], str) else "",
            })
    return pd.DataFrame(lignes, columns=COLONNES)


def texte_valeur(s: pd.Series, unite: str | None) -> str:
    """La dernière valeur d'une ligne de statuts, écrite comme partout (``vues_plan.texte_valeur``)."""
    return _texte_valeur(s["derniere_valeur"], s["derniere_valeur_texte"], unite)


def texte_cible(ind) -> str:
    if ind.cible is None:
        return A_DEFINIR
    return texte_valeur_datee(ind.cible.valeur, ind.cible.annee, ind.cible.texte, ind.unite)


def synthese_annuelle(plan: Plan, courantes: pd.DataFrame, manuels: pd.DataFrame, annee: int,
                      territoire: Territoire | None = None) -> pd.DataFrame:
    return synthese(statuts_au_31_decembre(plan, courantes, manuels, annee, territoire), "axe")


def en_pdf(tableau: pd.DataFrame, plan: Plan, annee: int, sources: list[str], edite_le: dt.date | None = None) -> bytes:
    """PDF A4 paysage prêt à imprimer : titre, date, tableau (en-tête répété), sources, pages numérotées
    (gabarit, styles et polices communs : ``ctg_data.pdf``)."""
    page = pdf.MiseEnPage(f"Tableau récapitulatif {annee} — {plan.titre_court}", format=landscape(A4),
                          marge_cotes=12 * mm, marge_haut=12 * mm, marge_bas=15 * mm, edite_le=edite_le,
                          source=f"{plan.titre_court} ; valeurs saisies dans le tableau de bord")
    st = pdf.styles()
    largeurs = [30, 48, 62, 22, 20, 20, 20, 30, 21]  # en mm, total ≈ 273 mm (A4 paysage moins les marges)
    statut_col = COLONNES.index("Statut")
    fonds = [(statut_col, i, f) for i, s in enumerate(tableau["Statut"]) if (f := pdf.fond_statut(s)) is not None]
    table = pdf.tableau(COLONNES, tableau.itertuples(index=False), [l * mm for l in largeurs], fonds=fonds, rembourrage=3)
    elements = [
        pdf.paragraphe(f"Tableau récapitulatif {annee} des fiches projet", st.titre),
        pdf.paragraphe(f"{plan.titre} — état d'avancement au 31 décembre {annee}, édité le {page.date:%d/%m/%Y}.",
                       st.sous_titre),
        pdf.paragraphe("Statuts calculés selon les règles affichées dans le tableau de bord ; « à définir » : le document "
                       "ne fixe pas de cible ; « non renseignée » : aucune valeur saisie.", st.sous_titre),
        Spacer(1, 4 * mm), table, Spacer(1, 4 * mm),
        pdf.paragraphe("Sources : " + " ; ".join(sources), st.sous_titre),
    ]
    return page.produire(elements)
