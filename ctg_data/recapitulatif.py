"""Le tableau récapitulatif annuel des fiches projet (Annexe 5 de la CTG) : tableau, XLSX et PDF A4.

« Le (la) chargé(e) de coopération territoriale produira annuellement un tableau récapitulatif
complet de l'état d'avancement des fiches projet, comprenant les indicateurs d'évaluation […] »
(CTG, Annexe 5).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from xml.sax.saxutils import escape

import reportlab

from . import format as fmt
from .plan import A_DEFINIR, Plan
from .suivi import statuts_indicateurs, synthese

COLONNES = ["Axe", "Fiche", "Indicateur", "Valeur", "Période", "Cible", "Statut", "Commentaire", "Source de la valeur"]

# Police TrueType livrée avec reportlab (Bitstream Vera) : accents, « », œ, — … sans rien installer.
_POLICES = Path(reportlab.__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("Vera", str(_POLICES / "Vera.ttf")))
pdfmetrics.registerFont(TTFont("Vera-Gras", str(_POLICES / "VeraBd.ttf")))

COULEURS_STATUT = {
    "à renseigner": colors.HexColor("#E5E5E5"),
    "en cours": colors.HexColor("#FEECC2"),
    "atteint": colors.HexColor("#B8FEC9"),
    "non atteint": colors.HexColor("#FFD7D7"),
    "abandonné": colors.HexColor("#D0D0D0"),
}


def valeurs_jusqu_a(courantes: pd.DataFrame, annee: int) -> pd.DataFrame:
    if courantes.empty:
        return courantes
    return courantes[courantes["periode"].str[:4].astype(int) <= annee]


def tableau_annuel(plan: Plan, courantes: pd.DataFrame, manuels: pd.DataFrame, annee: int) -> pd.DataFrame:
    """Une ligne par indicateur (et une par fiche sans indicateur), valeurs connues à la fin de ``annee``.
    Les statuts sont ceux du 31 décembre de cette année."""
    indicateurs = plan.indicateurs()
    statuts = statuts_indicateurs(indicateurs, valeurs_jusqu_a(courantes, annee), manuels, dt.date(annee, 12, 31))
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
    if pd.notna(s["derniere_valeur"]):
        return fmt.valeur(s["derniere_valeur"], unite if unite not in (None, "nombre") else None)
    if isinstance(s["derniere_valeur_texte"], str):
        return s["derniere_valeur_texte"]
    return "non renseignée"


def texte_cible(ind) -> str:
    if ind.cible is None:
        return A_DEFINIR
    if ind.cible.valeur is not None:
        texte = fmt.valeur(ind.cible.valeur, ind.unite if ind.unite not in (None, "nombre") else None)
        return texte + (f" en {ind.cible.annee}" if ind.cible.annee else "")
    return ind.cible.texte or A_DEFINIR


def synthese_annuelle(plan: Plan, courantes: pd.DataFrame, manuels: pd.DataFrame, annee: int) -> pd.DataFrame:
    statuts = statuts_indicateurs(plan.indicateurs(), valeurs_jusqu_a(courantes, annee), manuels, dt.date(annee, 12, 31))
    return synthese(statuts, "axe")


def en_pdf(tableau: pd.DataFrame, plan: Plan, annee: int, sources: list[str], edite_le: dt.date | None = None) -> bytes:
    """PDF A4 paysage prêt à imprimer : titre, date, tableau (en-tête répété), sources, pages numérotées."""
    edite_le = edite_le or dt.date.today()
    tampon = io.BytesIO()
    marges = 12 * mm
    doc = SimpleDocTemplate(
        tampon, pagesize=landscape(A4), leftMargin=marges, rightMargin=marges, topMargin=marges, bottomMargin=15 * mm,
        title=f"Tableau récapitulatif {annee} — {plan.titre_court}", author="Tableau de bord CTG Dijon",
    )
    normal = ParagraphStyle("normal", fontName="Vera", fontSize=7.5, leading=9)
    entete = ParagraphStyle("entete", parent=normal, fontName="Vera-Gras", textColor=colors.white)
    titre = ParagraphStyle("titre", fontName="Vera-Gras", fontSize=15, leading=19, spaceAfter=2 * mm)
    sous_titre = ParagraphStyle("sous_titre", fontName="Vera", fontSize=9, leading=12, textColor=colors.HexColor("#3A3A3A"))

    def p(texte, style=normal):
        return Paragraph(escape(str(texte)).replace("\n", "<br/>"), style)

    largeurs = [30, 48, 62, 22, 20, 20, 20, 30, 21]  # en mm, total ≈ 273 mm (A4 paysage moins les marges)
    donnees = [[p(c, entete) for c in COLONNES]] + [[p(v) for v in ligne] for ligne in tableau.itertuples(index=False)]
    table = LongTable(donnees, colWidths=[l * mm for l in largeurs], repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#000091")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9A9A9A")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    statut_col = COLONNES.index("Statut")
    for i, statut in enumerate(tableau["Statut"], start=1):
        couleur = COULEURS_STATUT.get(str(statut).split(" (")[0])
        if couleur is not None:
            style.append(("BACKGROUND", (statut_col, i), (statut_col, i), couleur))
    table.setStyle(TableStyle(style))

    def pied(canvas, document):
        canvas.saveState()
        canvas.setFont("Vera", 7)
        canvas.drawString(marges, 8 * mm, f"{plan.titre_court} — tableau récapitulatif {annee} — édité le {edite_le:%d/%m/%Y}")
        canvas.drawRightString(landscape(A4)[0] - marges, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    elements = [
        p(f"Tableau récapitulatif {annee} des fiches projet", titre),
        p(f"{plan.titre} — état d'avancement au 31 décembre {annee}, édité le {edite_le:%d/%m/%Y}.", sous_titre),
        p("Statuts calculés selon les règles affichées dans le tableau de bord ; « à définir » : le document "
          "ne fixe pas de cible ; « non renseignée » : aucune valeur saisie.", sous_titre),
        Spacer(1, 4 * mm), table, Spacer(1, 4 * mm),
        p("Sources : " + " ; ".join(sources), sous_titre),
    ]
    doc.build(elements, onFirstPage=pied, onLaterPages=pied)
    return tampon.getvalue()
