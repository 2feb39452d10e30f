"""Le tableau récapitulatif annuel des fiches projet (Annexe 5 de la CTG) : tableau, XLSX, CSV et PDF A4.

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

from . import exports, pdf
from . import format as fmt
from .plan import A_DEFINIR, Plan
from .suivi import synthese
from .territoire import Territoire
from .vocabulaire import LIBELLES_STATUTS
from .vues_plan import statuts_du_plan, territoire_du_plan, texte_lisible, texte_valeur_datee
from .vues_plan import texte_valeur as _texte_valeur

COLONNES = ["Axe", "Fiche", "Indicateur", "Valeur", "Période", "Cible", "Statut", "Commentaire", "Source de la valeur"]

BASE_INDISPONIBLE = (
    "La base de données ne répondait pas : les valeurs saisies n'ont pas pu être lues ; « non renseignée » "
    "ne veut pas dire qu'aucune valeur n'existe."
)
"""Dit dans chaque téléchargement (Excel, CSV, PDF) produit pendant que la base ne répondait pas."""

LONGUEUR_MAX_PDF = 1500
"""Dans le PDF, une cellule plus longue (un commentaire de plusieurs pages…) est coupée à ce nombre de
caractères, avec un renvoi au téléchargement Excel ou CSV, qui garde le texte entier. Une cellule moins
longue mais plus haute que la page passe à la ligne et se coupe d'une page à l'autre (``pdf.tableau``)."""


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
            # La raison, sans les numéros de ligne du fichier source (``vues_plan.texte_lisible``).
            lignes.append(debut | {"Indicateur": texte_lisible(fiche.sans_indicateur) or "Aucun indicateur", "Valeur": "",
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


# Les statuts qui prennent la marque du pluriel (« à renseigner » et « en cours » restent invariables).
_PLURIEL = {"atteint": "atteints", "non atteint": "non atteints", "abandonné": "abandonnés"}


def repartition(ligne: pd.Series | dict) -> str:
    """Les nombres d'indicateurs par statut d'une ligne de synthèse (une colonne par statut, comme
    ``suivi.synthese`` ou la synthèse par axe de la page « Plan d'actions »), en une phrase courte pour
    une colonne étroite : « 5 à renseigner, 4 en cours, 3 atteints ». Les statuts à zéro sont omis ;
    « aucun indicateur » si tous le sont."""
    morceaux = [f"{fmt.nombre(n)} {_PLURIEL.get(s, s) if n > 1 else s}"
                for s in LIBELLES_STATUTS if (n := int(ligne[s]))]
    return ", ".join(morceaux) or "aucun indicateur"


def note_des_statuts(annee: int) -> str:
    return (f"État d'avancement au 31 décembre {annee}. Statuts calculés selon les règles affichées dans le "
            f"tableau de bord ; « {A_DEFINIR} » : le document ne fixe pas de cible ; « non renseignée » : aucune "
            "valeur saisie.")


def en_xlsx(tableau: pd.DataFrame, plan: Plan, annee: int, sources: list[str], base_disponible: bool = True,
            edite_le: dt.date | None = None) -> bytes:
    """Classeur XLSX : le tableau de l'année, puis une feuille « Source » (plan, date, règles, sources).
    Base indisponible : une feuille « Avertissement » vient en premier (``BASE_INDISPONIBLE``), et la
    feuille « Source » le redit."""
    lignes = [("Document", f"Tableau récapitulatif {annee} des fiches projet"), ("Plan", plan.titre),
              ("Édité le", f"{(edite_le or dt.date.today()):%d/%m/%Y}"), ("Lecture", note_des_statuts(annee))]
    if not base_disponible:
        lignes.append(("Avertissement", BASE_INDISPONIBLE))
    lignes += [("Source", s) for s in sources]
    feuilles = [(f"Récapitulatif {annee}", tableau), ("Source", pd.DataFrame(lignes, columns=["Champ", "Valeur"]))]
    if not base_disponible:
        feuilles.insert(0, ("Avertissement", pd.DataFrame({"Avertissement": [BASE_INDISPONIBLE]})))
    return exports.classeur(feuilles)


def en_csv(tableau: pd.DataFrame, base_disponible: bool = True) -> bytes:
    """CSV pour tableur français (``exports.en_csv``) ; base indisponible : ``BASE_INDISPONIBLE`` en
    première ligne, au-dessus du tableau."""
    return exports.en_csv(tableau, avant=None if base_disponible else [BASE_INDISPONIBLE])


def couper_pour_pdf(texte, longueur: int = LONGUEUR_MAX_PDF) -> str:
    """Le texte d'une cellule du PDF : entier s'il compte au plus ``longueur`` caractères, sinon coupé
    (à la fin d'un mot quand c'est possible) et suivi d'un renvoi au téléchargement Excel ou CSV."""
    if not isinstance(texte, str) or len(texte) <= longueur:
        return texte
    debut = texte[:longueur]
    espace = debut.rfind(" ")
    if espace > longueur * 0.8:
        debut = debut[:espace]
    return (f"{debut.rstrip()} […] (texte coupé : {fmt.nombre(len(texte))} caractères en tout ; le texte entier "
            "est dans le téléchargement Excel ou CSV du tableau)")


def en_pdf(tableau: pd.DataFrame, plan: Plan, annee: int, sources: list[str], edite_le: dt.date | None = None,
           base_disponible: bool = True) -> bytes:
    """PDF A4 paysage prêt à imprimer : titre, date, tableau (en-tête répété), sources, pages numérotées
    (gabarit, styles et polices communs : ``ctg_data.pdf``). Une cellule de plus de ``LONGUEUR_MAX_PDF``
    caractères est coupée avec un renvoi à l'export Excel (``couper_pour_pdf``) ; base indisponible :
    ``BASE_INDISPONIBLE`` sous le titre."""
    page = pdf.MiseEnPage(f"Tableau récapitulatif {annee} — {plan.titre_court}", format=landscape(A4),
                          marge_cotes=12 * mm, marge_haut=12 * mm, marge_bas=15 * mm, edite_le=edite_le,
                          source=f"{plan.titre_court} ; valeurs saisies dans le tableau de bord")
    st = pdf.styles()
    largeurs = [30, 48, 62, 22, 20, 20, 20, 30, 21]  # en mm, total ≈ 273 mm (A4 paysage moins les marges)
    statut_col = COLONNES.index("Statut")
    fonds = [(statut_col, i, f) for i, s in enumerate(tableau["Statut"]) if (f := pdf.fond_statut(s)) is not None]
    lignes = [[couper_pour_pdf(v) for v in ligne] for ligne in tableau.itertuples(index=False)]
    coupees = sum(isinstance(v, str) and len(v) > LONGUEUR_MAX_PDF for ligne in tableau.itertuples(index=False)
                  for v in ligne)
    table = pdf.tableau(COLONNES, lignes, [l * mm for l in largeurs], fonds=fonds, rembourrage=3)
    elements = [
        pdf.paragraphe(f"Tableau récapitulatif {annee} des fiches projet", st.titre),
        pdf.paragraphe(f"{plan.titre} — état d'avancement au 31 décembre {annee}, édité le {page.date:%d/%m/%Y}.",
                       st.sous_titre),
        pdf.paragraphe("Statuts calculés selon les règles affichées dans le tableau de bord ; « à définir » : le document "
                       "ne fixe pas de cible ; « non renseignée » : aucune valeur saisie.", st.sous_titre),
    ]
    if not base_disponible:
        elements.append(pdf.paragraphe("Attention : " + BASE_INDISPONIBLE, st.intertitre))
    if coupees:
        elements.append(pdf.paragraphe(
            f"{coupees} cellule(s) de plus de {LONGUEUR_MAX_PDF} caractères sont coupées ici : leur texte entier est "
            "dans le téléchargement Excel ou CSV du tableau.", st.sous_titre))
    elements += [
        Spacer(1, 4 * mm), table, Spacer(1, 4 * mm),
        pdf.paragraphe("Sources : " + " ; ".join(sources), st.sous_titre),
    ]
    return page.produire(elements)
