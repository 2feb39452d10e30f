"""Le diaporama du séminaire annuel : diapositives construites à partir des données (une idée par
écran), ordre choisi dans ``data/seminaire.yaml``, export PDF (une diapositive par page)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import yaml
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from . import config
from . import format as fmt
from . import recapitulatif  # noqa: F401  (enregistre les polices Vera)
from .erreurs import ErreurDonnees, Probleme
from .suivi import synthese

TYPES = ["titre", "chiffres_cles", "axes", "carte", "qpv", "quartiers", "sources"]


@dataclass
class Diapositive:
    type: str
    titre: str
    sous_titre: str = ""
    points: list[str] = field(default_factory=list)
    source: str = ""
    quartier: str | None = None


def charger_deck(dossier: Path | None = None) -> dict:
    chemin = (dossier or config.dossier_donnees()) / "seminaire.yaml"
    try:
        deck = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ErreurDonnees("seminaire.yaml", [Probleme(f"fichier illisible ({e.__class__.__name__})")]) from None
    inconnus = [t for t in (deck or {}).get("diapositives", []) if t not in TYPES]
    if not isinstance(deck, dict) or not deck.get("diapositives") or inconnus:
        raise ErreurDonnees("seminaire.yaml", [Probleme(
            f"type de diapositive inconnu : {', '.join(map(str, inconnus))} ; admis : {', '.join(TYPES)}" if inconnus
            else "la liste « diapositives » est absente ou vide", colonne="diapositives")])
    return deck


def construire(deck: dict, plan, statuts: pd.DataFrame, cartes_chiffres: list, quartiers: pd.DataFrame,
               equipements: pd.DataFrame, social: pd.DataFrame) -> list[Diapositive]:
    """Les diapositives, dans l'ordre du fichier. ``cartes_chiffres`` : sortie de portrait.chiffres_cles."""
    diapos: list[Diapositive] = []
    territorial = plan.donnees_territoriales
    for type_ in deck["diapositives"]:
        if type_ == "titre":
            diapos.append(Diapositive("titre", deck.get("titre", "Séminaire annuel"), plan.titre,
                                      [f"{len(plan.axes)} axes · {len(plan.fiches)} fiches · {len(statuts)} indicateurs",
                                       f"État au {dt.date.today():%d/%m/%Y}"]))
        elif type_ == "chiffres_cles" and territorial:
            diapos.append(Diapositive("chiffres_cles", "Le territoire en quelques chiffres", "Dijon",
                                      [f"{c.titre} : {c.valeur} ({c.annee})" for c in cartes_chiffres[:6]],
                                      "CTG Dijon 2024-2027, préambule (002_e8b9c2145bef99c1.txt)"))
        elif type_ == "axes":
            par_fiche = synthese(statuts, "fiche").set_index("fiche") if not statuts.empty else pd.DataFrame()
            for axe in plan.axes:
                points = []
                for fiche in [f for f in plan.fiches if f.axe == axe.id]:
                    statut = par_fiche.loc[fiche.id, "statut"] if fiche.id in par_fiche.index else "sans indicateur"
                    points.append(f"{fiche.id} — {raccourcir(fiche.titre, 70)} : {statut}")
                diapos.append(Diapositive("axe", f"Axe {axe.numero} — {axe.titre}", "Statut des fiches projet", points,
                                          f"{plan.titre_court} ; statuts calculés à partir des valeurs saisies"))
        elif type_ == "carte" and territorial:
            diapos.append(Diapositive("carte", "Les équipements dans les 9 quartiers", "EAJE, RPE, ALSH, centres sociaux…",
                                      source="CTG, annexes 2 et 2 bis ; contours IGN – INSEE, QPV ANCT"))
        elif type_ == "qpv" and territorial:
            qpv = social[(social["type_zone"] == "QPV") & (social["indicateur"] == "taux_pauvrete")].dropna(subset=["valeur"])
            points = []
            for code, groupe in qpv.groupby("code_zone"):
                if code.startswith("QP"):
                    serie = groupe.sort_values("annee")
                    points.append(f"{serie['nom_zone'].iloc[0]} : taux de pauvreté " + ", ".join(
                        f"{fmt.valeur(v, '%')} en {a}" for a, v in zip(serie["annee"].tail(3), serie["valeur"].tail(3))))
            diapos.append(Diapositive("qpv", "Les quartiers prioritaires", "Grésilles et Fontaine d'Ouche", points,
                                      "INSEE, Filosofi par QPV (2016-2019) ; ANCT"))
        elif type_ == "quartiers" and territorial:
            for _, q in quartiers.sort_values("nom").iterrows():
                du_q = equipements[equipements["quartier"] == q["nom"]]
                compte = du_q["categorie"].value_counts()
                points = ["Équipements : " + (", ".join(f"{n} {c}" for c, n in compte.items()) if not compte.empty else "aucun rattaché pour l'instant")]
                pauvrete = social[(social["indicateur"] == "taux_pauvrete") & (social["type_zone"] == "quartier")
                                  & (social["code_zone"] == q["id"])].dropna(subset=["valeur"])
                if not pauvrete.empty:
                    derniere = pauvrete.sort_values("annee").iloc[-1]
                    points.append(f"Taux de pauvreté {int(derniere['annee'])} : {fmt.valeur(round(derniere['valeur'], 1), '%')} (IRIS regroupés)")
                if q["qpv"]:
                    points.append(f"Quartier prioritaire : {q['nom_qpv']}")
                if q["cite_educative"]:
                    points.append("Dans le périmètre de la Cité éducative")
                diapos.append(Diapositive("quartier", f"Quartier {q['nom']}", "", points,
                                          "CTG (annexes), INSEE Filosofi, calculs du tableau de bord", quartier=q["nom"]))
        elif type_ == "sources":
            diapos.append(Diapositive("sources", "Sources", "", [
                f"{s.section} ({s.fichier})" for s in plan.sources][:5] + [
                "Données ouvertes : INSEE (Filosofi, recensement), CNAF, ANCT, IGN" if territorial else "",
                "Tableau de bord de la CTG : chaque chiffre affiché porte sa source"]))
    for d in diapos:
        d.points = [p for p in d.points if p]
    return diapos


def raccourcir(texte: str, n: int) -> str:
    return texte if len(texte) <= n else texte[: n - 1].rstrip() + "…"


def en_pdf(diapos: list[Diapositive], titre: str) -> bytes:
    """Une diapositive par page (A4 paysage), grands caractères."""
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(tampon, pagesize=landscape(A4), leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=titre, author="Tableau de bord CTG Dijon")
    h1 = ParagraphStyle("h1", fontName="Vera-Gras", fontSize=28, leading=34, textColor=colors.HexColor("#000091"), spaceAfter=4 * mm)
    h2 = ParagraphStyle("h2", fontName="Vera", fontSize=16, leading=20, spaceAfter=6 * mm)
    point = ParagraphStyle("p", fontName="Vera", fontSize=15, leading=21, leftIndent=8 * mm, bulletIndent=0, spaceAfter=2 * mm)
    source = ParagraphStyle("s", fontName="Vera", fontSize=9, leading=11, textColor=colors.HexColor("#3A3A3A"), spaceBefore=8 * mm)
    elements = []
    for i, d in enumerate(diapos):
        elements += [Paragraph(escape(d.titre), h1)]
        if d.sous_titre:
            elements.append(Paragraph(escape(d.sous_titre), h2))
        if d.type == "carte":
            elements.append(Paragraph("La carte interactive est présentée en séance (page « Carte des équipements »).", point))
        elements += [Paragraph(escape(p), point, bulletText="•") for p in d.points]
        if d.source:
            elements.append(Paragraph("Source : " + escape(d.source), source))
        elements.append(Spacer(1, 2 * mm))
        if i < len(diapos) - 1:
            elements.append(PageBreak())
    doc.build(elements)
    return tampon.getvalue()
