"""Le portrait d'un quartier, sur une page : équipements, indicateurs sociaux face à Dijon, QPV, Cité
éducative, fiches de la CTG. Données prêtes à afficher, et version PDF A4 à imprimer."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import format as fmt
from . import recapitulatif  # noqa: F401  (enregistre les polices Vera)

# Indicateurs du portrait, dans l'ordre d'affichage.
INDICATEURS_CLES = [
    "taux_pauvrete", "niveau_vie_median", "niveau_vie_d1", "part_prestations_sociales",
    "allocataires", "allocataires_monoparents", "allocataires_rsa_socle",
    "part_personnes_familles_monoparentales", "population_totale_2016", "population_0_14",
]
COMPARAISONS = ["commune", "EPCI", "département", "France métropolitaine"]


def derniere_annee(lignes: pd.DataFrame) -> int | None:
    avec = lignes.dropna(subset=["valeur"])
    if not avec.empty:
        return int(avec["annee"].max())
    return int(lignes["annee"].max()) if not lignes.empty else None


def texte(ligne: pd.Series | None, unite: str) -> str:
    if ligne is None:
        return "–"
    if pd.isna(ligne["valeur"]):
        return f"non disponible ({ligne['statut']})"
    valeur = float(ligne["valeur"])
    if unite == "%":
        valeur = round(valeur, 1)
    elif unite in ("personnes", "allocataires"):
        valeur = round(valeur)  # effectifs pondérés de l'INSEE : affichés à l'unité
    return fmt.valeur(valeur, unite)


def indicateurs_cles(social: pd.DataFrame, dictionnaire: pd.DataFrame, id_quartier: str) -> pd.DataFrame:
    """Pour chaque indicateur clé : dernière année disponible pour le quartier, valeur du quartier,
    valeur de Dijon la même année (si la source la donne), règle de calcul, source."""
    dico = dictionnaire.set_index("code")
    lignes = []
    for code in INDICATEURS_CLES:
        if code not in dico.index:
            continue
        du_quartier = social[(social["indicateur"] == code) & (social["type_zone"] == "quartier") & (social["code_zone"] == id_quartier)]
        annee = derniere_annee(du_quartier)
        if annee is None:
            continue
        q = du_quartier[du_quartier["annee"] == annee].iloc[0]
        dijon = social[(social["indicateur"] == code) & (social["type_zone"] == "commune")].dropna(subset=["valeur"])
        meme_annee = dijon[dijon["annee"] == annee]
        unite = dico.loc[code, "unite"]
        if not meme_annee.empty:
            texte_dijon = texte(meme_annee.iloc[0], unite)
        elif not dijon.empty:  # autre année : on la dit
            autre = dijon.sort_values("annee").iloc[-1]
            texte_dijon = f"{texte(autre, unite)} (en {int(autre['annee'])})"
        else:
            texte_dijon = "pas de valeur dans les sources"
        lignes.append({
            "Indicateur": dico.loc[code, "libelle"], "Année": annee, "Quartier": texte(q, unite),
            "Dijon": texte_dijon,
            "Calcul": q["note"] if isinstance(q["note"], str) else "", "Source": q["source"],
        })
    return pd.DataFrame(lignes, columns=["Indicateur", "Année", "Quartier", "Dijon", "Calcul", "Source"])


def indicateurs_qpv(social: pd.DataFrame, dictionnaire: pd.DataFrame, nom_qpv: str) -> pd.DataFrame:
    """Dernières valeurs Filosofi/ANCT du QPV (géographie 2015, nom comme dans les fichiers)."""
    dico = dictionnaire.set_index("code")
    qpv = social[(social["type_zone"] == "QPV") & (social["nom_zone"].str.lower().str.contains(nom_qpv.lower().replace("les ", "")))]
    lignes = []
    for code, groupe in qpv.groupby("indicateur", sort=False):
        annee = derniere_annee(groupe)
        l = groupe[groupe["annee"] == annee].iloc[0]
        lignes.append({"Indicateur": dico.loc[code, "libelle"] if code in dico.index else code, "Année": annee,
                       "QPV": texte(l, l["unite"]), "Source": l["source"]})
    return pd.DataFrame(lignes, columns=["Indicateur", "Année", "QPV", "Source"])


def en_pdf(titre: str, sections: list[tuple[str, str | pd.DataFrame]], sources: list[str],
           edite_le: dt.date | None = None) -> bytes:
    """PDF A4 portrait : titre, puis sections (texte ou tableau), sources, date et pagination."""
    edite_le = edite_le or dt.date.today()
    tampon = io.BytesIO()
    marge = 14 * mm
    doc = SimpleDocTemplate(tampon, pagesize=A4, leftMargin=marge, rightMargin=marge, topMargin=marge,
                            bottomMargin=16 * mm, title=titre, author="Tableau de bord CTG Dijon")
    normal = ParagraphStyle("n", fontName="Vera", fontSize=8.5, leading=11)
    petit = ParagraphStyle("p", fontName="Vera", fontSize=7, leading=9, textColor=colors.HexColor("#3A3A3A"))
    entete = ParagraphStyle("e", parent=petit, fontName="Vera-Gras", textColor=colors.white)
    h1 = ParagraphStyle("h1", fontName="Vera-Gras", fontSize=16, leading=20, spaceAfter=2 * mm)
    h2 = ParagraphStyle("h2", fontName="Vera-Gras", fontSize=11, leading=14, spaceBefore=4 * mm, spaceAfter=1.5 * mm,
                        textColor=colors.HexColor("#000091"))

    def p(t, style=normal):
        return Paragraph(escape(str(t)).replace("\n", "<br/>"), style)

    elements = [p(titre, h1), p(f"Édité le {edite_le:%d/%m/%Y} à partir du tableau de bord de la CTG de Dijon.", petit)]
    largeur = A4[0] - 2 * marge
    for intitule, contenu in sections:
        elements.append(p(intitule, h2))
        if isinstance(contenu, pd.DataFrame):
            if contenu.empty:
                elements.append(p("Aucune donnée.", petit))
                continue
            colonnes = list(contenu.columns)
            poids = [3 if c in ("Calcul", "Source", "Indicateur", "Nom") else 1.4 for c in colonnes]
            largeurs = [largeur * w / sum(poids) for w in poids]
            donnees = [[p(c, entete) for c in colonnes]] + [[p(v, petit) for v in ligne] for ligne in contenu.astype(str).itertuples(index=False)]
            table = Table(donnees, colWidths=largeurs, repeatRows=1)
            table.setStyle(TableStyle([
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#000091")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9A9A9A")),
            ]))
            elements.append(table)
        else:
            elements.append(p(contenu))
    elements += [Spacer(1, 4 * mm), p("Sources : " + " ; ".join(sources), petit)]

    def pied(canvas, document):
        canvas.saveState()
        canvas.setFont("Vera", 7)
        canvas.drawString(marge, 9 * mm, f"{titre} — édité le {edite_le:%d/%m/%Y}")
        canvas.drawRightString(A4[0] - marge, 9 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.build(elements, onFirstPage=pied, onLaterPages=pied)
    return tampon.getvalue()
