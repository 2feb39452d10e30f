"""Le diaporama du séminaire annuel : diapositives construites à partir des données (une idée par
écran), ordre choisi dans ``data/seminaire.yaml``, export PDF (une diapositive par page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from reportlab.lib.pagesizes import landscape, A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak

from . import config
from . import format as fmt
from . import pdf
from .erreurs import ErreurDonnees, Probleme
from .suivi import synthese
from .vocabulaire import source_lisible

TYPES = ["titre", "chiffres_cles", "axes", "carte", "qpv", "quartiers", "sources"]


@dataclass
class Diapositive:
    type: str
    titre: str
    sous_titre: str = ""
    points: list[str] = field(default_factory=list)
    source: str = ""
    quartier: str | None = None
    tableau: pd.DataFrame | None = None  # diapositive comparative : un tableau (texte de chaque case)


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
               equipements: pd.DataFrame, social: pd.DataFrame, territoire=None) -> list[Diapositive]:
    """Les diapositives, dans l'ordre du fichier. ``cartes_chiffres`` : sortie de
    ``chiffres.cartes_chiffres_cles`` ; ``equipements`` : le tableau de ``positions.avec_corrections`` ;
    ``territoire`` : le territoire du plan (``ctg_data.territoire``), None s'il n'a pas de données."""
    from .equipements import compter
    from .portrait_quartier import pauvrete_quartier_et_qpv

    diapos: list[Diapositive] = []
    territorial = territoire is not None and territoire.carte_et_contexte
    for type_ in deck["diapositives"]:
        if type_ == "titre":
            diapos.append(Diapositive("titre", deck.get("titre", "Séminaire annuel"), plan.titre,
                                      [f"{len(plan.axes)} axes · {len(plan.fiches)} fiches · {len(statuts)} indicateurs",
                                       f"État au {dt.date.today():%d/%m/%Y}"]))
        elif type_ == "chiffres_cles" and territorial and cartes_chiffres:
            montres = cartes_chiffres[:6]
            diapos.append(Diapositive(
                "chiffres_cles", "Le territoire en quelques chiffres", territoire.nom,
                [f"{c.titre} : {c.valeur}{' ' + c.unite if c.unite else ''} ({c.periode})" for c in montres],
                " ; ".join(dict.fromkeys(c.source for c in montres))))
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
            n = len(quartiers)
            diapos.append(Diapositive("carte", f"Les équipements dans les {n} quartiers", "EAJE, RPE, ALSH, centres sociaux…",
                                      source="Convention, annexes 2 et 2 bis ; contours IGN – INSEE, QPV ANCT"))
        elif type_ == "qpv" and territorial:
            points = []
            for _, q in quartiers[quartiers["qpv"]].sort_values("nom").iterrows():
                points += pauvrete_quartier_et_qpv(social, q["id"], q["nom_qpv"], q["nom"])
            noms = " et ".join(sorted(quartiers.loc[quartiers["qpv"], "nom_qpv"]))
            diapos.append(Diapositive("qpv", "Les quartiers prioritaires", noms, points,
                                      "INSEE, Filosofi par IRIS et par QPV ; ANCT"))
        elif type_ == "quartiers" and territorial:
            diapos.append(quartiers_compares(quartiers, equipements, social))
        elif type_ == "sources":
            diapos.append(Diapositive("sources", "Sources", "", [
                source_lisible(s.section) for s in plan.sources][:5] + [
                "Données ouvertes : INSEE (Filosofi, recensement), CNAF, ANCT, IGN" if territorial else "",
                "Tableau de bord : chaque chiffre affiché porte sa source"]))
    for d in diapos:
        d.points = [p for p in d.points if p]
    return diapos


def pauvrete(social: pd.DataFrame, type_zone: str, zone: str | None) -> str:
    """Dernier taux de pauvreté d'un quartier (ses IRIS regroupés, par code) ou d'un QPV (par nom, sans
    tenir compte de la casse), « 38,1 % en 2021 », comme ``portrait_quartier.pauvrete_quartier_et_qpv`` ;
    « – » s'il n'y en a pas."""
    from .portrait_quartier import texte

    if not zone:
        return "–"
    lignes = social[(social["indicateur"] == "taux_pauvrete") & (social["type_zone"] == type_zone)]
    lignes = lignes[lignes["code_zone"] == zone] if type_zone == "quartier" else \
        lignes[lignes["nom_zone"].str.casefold() == zone.casefold()]
    lignes = lignes.dropna(subset=["valeur"])
    if lignes.empty:
        return "–"
    d = lignes.sort_values("annee").iloc[-1]
    return f"{texte(d, '%')} en {int(d['annee'])}"


def quartiers_compares(quartiers: pd.DataFrame, equipements: pd.DataFrame, social: pd.DataFrame) -> Diapositive:
    """Une seule diapositive pour tous les quartiers (au lieu d'une presque vide par quartier) : les
    équipements de chaque catégorie, leur total et le taux de pauvreté du quartier entier à côté de
    celui de son quartier prioritaire, chacun avec son année."""
    from .equipements import LIBELLES_CATEGORIES, compter

    comptages = {q["nom"]: compter(equipements, q["nom"]) for _, q in quartiers.iterrows()}
    par_quartier = {nom: dict(zip(c.par_categorie["Catégorie"], c.par_categorie["Nombre"])) for nom, c in comptages.items()}
    categories = [c for c in LIBELLES_CATEGORIES if any(c in n for n in par_quartier.values())]
    lignes = []
    for _, q in quartiers.sort_values("nom").iterrows():
        nombres = par_quartier[q["nom"]]
        lignes.append({"Quartier": q["nom"] + (" *" if q["cite_educative"] else ""),
                       **{c: str(int(nombres.get(c, 0))) for c in categories},
                       "Total": str(comptages[q["nom"]].total),
                       "Pauvreté, quartier entier": pauvrete(social, "quartier", q["id"]),
                       "Pauvreté, QPV seul": pauvrete(social, "QPV", q["nom_qpv"]) if q["qpv"] else "pas de QPV"})
    tableau = pd.DataFrame(lignes, columns=["Quartier", *categories, "Total", "Pauvreté, quartier entier",
                                            "Pauvreté, QPV seul"])
    points = []
    inconnus = {len(c.quartier_inconnu) for c in comptages.values()}
    if inconnus - {0}:
        points.append(f"{max(inconnus)} autres équipements dont le quartier n'est pas encore connu, comptés dans aucun quartier")
    cite = sorted(quartiers.loc[quartiers["cite_educative"], "nom"])
    if cite:
        points.append(f"* Dans le périmètre de la Cité éducative : {' et '.join(cite)}")
    return Diapositive(
        "quartiers", f"Les {len(quartiers)} quartiers comparés",
        "Équipements par catégorie ; pauvreté du quartier (ses IRIS regroupés) et du QPV (son périmètre seul, "
        "plus restreint)",
        points, "Convention, annexes 2 et 2 bis ; INSEE, Filosofi ; ANCT", tableau=tableau)


def dessin_carte(quartiers_geo, qpv_geo, equipements: pd.DataFrame, largeur: float, hauteur: float,
                 cite_educative: list[str] | None = None):
    """La carte des équipements dessinée sans internet (ni tuiles ni navigateur), pour le PDF : contours
    des quartiers avec leur nom, QPV en tirets rouges, Cité éducative en pointillés violets, un symbole
    par équipement placé (couleur et lettre de sa catégorie, comme la carte interactive), légende à
    droite. ``quartiers_geo``, ``qpv_geo`` : GeoDataFrame en WGS 84 ; ``equipements`` : les équipements
    comptés, avec ``lat``, ``lon`` et ``categorie``. Renvoie un ``reportlab.graphics.shapes.Drawing``."""
    import math

    from reportlab.graphics.shapes import Circle, Drawing, Polygon, Rect, String
    from reportlab.lib import colors

    from .carte import COULEUR_CITE, COULEUR_QPV, STYLES

    police, gras = pdf.enregistrer_polices()
    dessin = Drawing(largeur, hauteur)
    places = equipements.dropna(subset=["lat", "lon"]) if len(equipements) else equipements
    x0, y0, x1, y1 = quartiers_geo.total_bounds
    lat0 = math.radians((y0 + y1) / 2)
    legende = 0.24 * largeur  # à droite, hors de la carte : ne cache rien
    echelle = min((largeur - legende - 10) / ((x1 - x0) * math.cos(lat0)), (hauteur - 10) / (y1 - y0))
    dx = (largeur - legende - (x1 - x0) * math.cos(lat0) * echelle) / 2
    dy = (hauteur - (y1 - y0) * echelle) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return dx + (lon - x0) * math.cos(lat0) * echelle, dy + (lat - y0) * echelle

    def anneaux(geometrie):
        for poly in getattr(geometrie, "geoms", [geometrie]):
            if poly.geom_type == "Polygon":
                yield [v for lon, lat in poly.exterior.coords for v in xy(lon, lat)]

    for geometrie in quartiers_geo.geometry:
        for points in anneaux(geometrie):
            dessin.add(Polygon(points, fillColor=colors.HexColor("#F2F2F2"), strokeColor=colors.HexColor("#161616"),
                               strokeWidth=1))
    if qpv_geo is not None:
        for geometrie in qpv_geo.geometry:
            for points in anneaux(geometrie):
                dessin.add(Polygon(points, fillColor=None, strokeColor=colors.HexColor(COULEUR_QPV), strokeWidth=2,
                                   strokeDashArray=[5, 3]))
    nom = "nom" if "nom" in quartiers_geo.columns else quartiers_geo.columns[0]
    for _, q in quartiers_geo.iterrows():
        if q[nom] in (cite_educative or []):
            for points in anneaux(q.geometry):
                dessin.add(Polygon(points, fillColor=None, strokeColor=colors.HexColor(COULEUR_CITE), strokeWidth=2.5,
                                   strokeDashArray=[1.5, 4]))
    rayon = 6.5
    for _, e in places.iterrows():
        style = STYLES.get(e["categorie"], STYLES["Autre"])
        x, y = xy(float(e["lon"]), float(e["lat"]))
        dessin.add(Circle(x, y, rayon, fillColor=colors.HexColor(style.couleur), strokeColor=colors.white, strokeWidth=1))
        dessin.add(String(x, y - 3.2, style.lettre, fontName=gras, fontSize=9, fillColor=colors.HexColor(style.texte),
                          textAnchor="middle"))
    for _, q in quartiers_geo.iterrows():
        x, y = xy(*q.geometry.representative_point().coords[0])
        dessin.add(String(x, y + 9, str(q[nom]), fontName=gras, fontSize=10, fillColor=colors.HexColor("#161616"),
                          textAnchor="middle", strokeColor=colors.white, strokeWidth=0))
    # Légende : catégories présentes, avec leur nombre, puis les traits.
    x, y = largeur - legende + 12, hauteur - 18
    dessin.add(String(x, y, "Légende", fontName=gras, fontSize=14))
    categories = places["categorie"].value_counts() if len(places) else pd.Series(dtype=int)
    for categorie in [c for c in STYLES if c in categories.index]:
        y -= 24
        style = STYLES[categorie]
        dessin.add(Circle(x + 7, y + 4, rayon, fillColor=colors.HexColor(style.couleur), strokeColor=None))
        dessin.add(String(x + 7, y + 0.8, style.lettre, fontName=gras, fontSize=9, fillColor=colors.HexColor(style.texte),
                          textAnchor="middle"))
        dessin.add(String(x + 20, y, f"{categorie} ({categories[categorie]})", fontName=police, fontSize=13))
    for libelle, couleur, tirets in (("QPV 2024", COULEUR_QPV, [5, 3]), ("Cité éducative", COULEUR_CITE, [1.5, 4]),
                                      ("Quartier", "#161616", None)):
        y -= 24
        dessin.add(Rect(x, y + 4, 16, 0.01, strokeColor=colors.HexColor(couleur), strokeWidth=2.5,
                        strokeDashArray=tirets))
        dessin.add(String(x + 20, y, libelle, fontName=police, fontSize=13))
    return dessin


def raccourcir(texte: str, n: int) -> str:
    """Au plus ``n`` caractères, coupé entre deux mots (jamais au milieu d'un mot)."""
    if len(texte) <= n:
        return texte
    coupe = texte[: n - 1]
    if " " in coupe and not texte[n - 1].isspace():
        coupe = coupe[: coupe.rindex(" ")]
    return coupe.rstrip(" ,;:—-") + "…"


def en_pdf(diapos: list[Diapositive], titre: str, edite_le: dt.date | None = None, carte=None) -> bytes:
    """Une diapositive par page (A4 paysage), comme à l'écran : titre en haut, grands caractères, corps
    qui occupe la page, source en bas ; une diapositive trop remplie est réduite pour tenir sur sa page
    (gabarit et polices communs : ``ctg_data.pdf``). ``carte`` : fonction (largeur, hauteur) -> dessin
    de la carte (``dessin_carte``), mise sur la page de la diapositive « carte » ; sans elle, une phrase."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer

    page = pdf.MiseEnPage(titre, format=landscape(A4), marge_cotes=14 * mm, marge_haut=12 * mm, marge_bas=16 * mm,
                          edite_le=edite_le)
    st = pdf.styles()
    grand = {
        "titre": ParagraphStyle("seminaire_titre", parent=st.diapo_titre, fontSize=32, leading=38, spaceAfter=3 * mm),
        "sous_titre": ParagraphStyle("seminaire_sous_titre", parent=st.diapo_sous_titre, fontSize=19, leading=24,
                                     spaceAfter=4 * mm),
        "point": ParagraphStyle("seminaire_point", parent=st.diapo_point, fontSize=21, leading=28, spaceAfter=3 * mm,
                                bulletFontSize=21),
        "source": ParagraphStyle("seminaire_source", parent=st.diapo_source, fontSize=12, leading=15, spaceBefore=4 * mm),
        "cellule": ParagraphStyle("seminaire_cellule", parent=st.cellule, fontSize=14, leading=16.5),
    }
    hauteur_utile = page.hauteur - 4 * mm

    def hauteur(flowables) -> float:
        return sum(f.wrap(page.largeur, hauteur_utile)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)

    elements = []
    for i, d in enumerate(diapos):
        haut = [pdf.paragraphe(d.titre, grand["titre"])]
        if d.sous_titre:
            haut.append(pdf.paragraphe(d.sous_titre, grand["sous_titre"]))
        bas = [pdf.paragraphe("Source : " + d.source, grand["source"])] if d.source else []
        corps = []
        if d.type == "carte":
            reste = hauteur_utile - hauteur(haut) - hauteur(bas) - 4 * mm
            if carte is not None and reste > 60 * mm:
                corps.append(carte(page.largeur, reste))
            else:
                corps.append(pdf.paragraphe("La carte interactive est présentée en séance (page « Carte des équipements »).",
                                            grand["point"]))
        if d.tableau is not None and not d.tableau.empty:
            larges = {"Quartier": 2.5, "Pauvreté, quartier entier": 2.5, "Pauvreté, QPV seul": 2.5, "Centre social / MEP": 1.8}
            poids = [larges.get(c, 0.9) for c in d.tableau.columns]
            unite = page.largeur / sum(poids)
            tableau = pdf.tableau(list(d.tableau.columns), d.tableau.itertuples(index=False),
                                  [p * unite for p in poids], style_cellule=grand["cellule"])
            entete = ParagraphStyle("seminaire_entete", parent=st.entete, fontSize=13, leading=16)
            tableau._cellvalues[0] = [pdf.paragraphe(c, entete) for c in d.tableau.columns]  # en-tête lisible aussi
            corps.append(tableau)
            corps.append(Spacer(0, 3 * mm))
        corps += [pdf.paragraphe(p, grand["point"], bulletText="•") for p in d.points]
        # Le corps au milieu de la page, la source en bas (comme à l'écran).
        libre = hauteur_utile - hauteur(haut) - hauteur(corps) - hauteur(bas)
        contenu = haut
        if libre > 0:
            contenu = haut + [Spacer(0, libre / 2)] + corps + [Spacer(0, libre / 2)] + bas
        else:
            contenu = haut + corps + bas
        elements.append(KeepInFrame(0, 0, contenu, mode="shrink"))
        if i < len(diapos) - 1:
            elements.append(PageBreak())
    return page.produire(elements)
