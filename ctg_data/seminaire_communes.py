"""Les diapositives du séminaire d'un territoire décrit par ses communes (une intercommunalité qui a
ses données dérivées) : la carte des communes (un indicateur par commune, en classes de couleur) et
les communes comparées (barres triées, valeurs de l'intercommunalité et de la Côte-d'Or en lignes de
repère). Aucune valeur n'est estimée ni moyennée : une commune sans valeur est nommée avec sa raison.

Écran : carte folium sans fond de carte externe (``carte_folium``) et graphique Altair
(``graphique_altair``) ; PDF : dessins reportlab sans internet (``dessin_communes``, ``dessin_barres``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from . import communes as co
from . import format as fmt

INDICATEUR_PAR_DEFAUT = "niveau_vie_median"
NOMS_SUR_LA_CARTE = 10  # communes dont le nom est écrit sur la carte (les plus peuplées en ménages fiscaux)
HAUTEUR_NOM = 40  # hauteur d'un nom écrit sur la carte, pour une carte de 1 000 de large
SOURCE_CONTOURS = "IGN, Admin Express COG 2018 (contours des communes)"


@dataclass
class DonneesCommunes:
    """Ce que le séminaire lit pour un territoire décrit par ses communes : son tableau social et son
    dictionnaire (données dérivées), les contours des communes et du territoire (GeoDataFrames en WGS 84,
    None s'ils manquent)."""

    social: pd.DataFrame
    dictionnaire: pd.DataFrame
    communes_geo: object = None
    contour_geo: object = None


@dataclass
class CarteCommunes:
    """La carte d'un indicateur par commune : contours, valeur (ou raison de son absence), classes."""

    libelle: str
    unite: str
    annee: int
    geo: object  # GeoDataFrame : code, nom, valeur, texte, couleur, nom_ecrit (bool), geometry
    contour: object
    legende: list[tuple[str, str]]  # (couleur, libellé de la classe) ; la dernière : sans valeur
    reperes: list[str] = field(default_factory=list)  # « CC de … : 24 480 € »


# --- Choix de l'indicateur et de l'année -------------------------------------------------------------
def indicateur_et_annee(donnees: DonneesCommunes, code: str | None) -> tuple[co.Indicateur, int, pd.DataFrame] | None:
    """L'indicateur choisi (ou, s'il n'est pas dans le tableau, le premier qui a des valeurs de communes),
    sa dernière année où au moins une commune a une valeur publiée, et les valeurs des communes cette
    année-là ; None si aucune commune n'a de valeur."""
    liste = co.indicateurs(donnees.social, donnees.dictionnaire)
    par_code = co.par_code(liste)
    candidats = ([par_code[code]] if code in par_code else []) + [i for i in liste if i.code != code]
    for indicateur in candidats:
        for annee in reversed(indicateur.annees_communes):
            valeurs = co.valeurs_communes(donnees.social, indicateur, annee)
            if valeurs["valeur"].notna().any():
                return indicateur, annee, valeurs
    return None


def _source_valeurs(valeurs: pd.DataFrame) -> str:
    """« INSEE, Filosofi 2019 » : la source des valeurs des communes, en mots, sans le niveau (« commune »)."""
    from .seminaire import source_courte

    sources = [s for s in valeurs["source"].dropna().unique() if s]
    return " ; ".join(dict.fromkeys(source_courte(s) for s in sources))


def _reperes(donnees: DonneesCommunes, territoire, indicateur: co.Indicateur, annee: int) -> pd.DataFrame:
    """Le territoire et son département (Côte-d'Or) la même année, avec leur valeur publiée."""
    r = co.reperes(donnees.social, territoire, indicateur, annee)
    return r[r["type_zone"].isin([territoire.nature, "département"]) & r["valeur"].notna()].reset_index(drop=True)


def sans_valeur(valeurs: pd.DataFrame) -> str:
    """Les communes sans valeur, nommées, avec la raison, en une ligne (regroupées par raison)."""
    manquent = valeurs[valeurs["valeur"].isna()]
    if manquent.empty:
        return ""
    morceaux = []
    for raison, groupe in manquent.groupby("raison", sort=False):
        noms = list(groupe["commune"])
        liste = noms[0] if len(noms) == 1 else ", ".join(noms[:-1]) + " et " + noms[-1]
        morceaux.append(f"{liste} — {raison}" if raison else liste)
    n = len(manquent)
    return "Sans valeur : " + " ; ".join(morceaux)


def noms_sans_chevauchement(geo, ordre: list[str], n: int = NOMS_SUR_LA_CARTE) -> list[str]:
    """Les codes des communes dont le nom est écrit : dans ``ordre`` (les plus peuplées d'abord), au plus
    ``n``, en sautant un nom qui chevaucherait un nom déjà placé (carte de 1 000 unités de large, noms de
    ``HAUTEUR_NOM`` unités de haut : à peu près les proportions de l'écran et du PDF)."""
    from shapely.ops import polylabel

    x0, y0, x1, y1 = geo.total_bounds
    cos = math.cos(math.radians((y0 + y1) / 2))
    echelle = 1000 / ((x1 - x0) * cos)
    places, boites = [], []
    par_code = dict(zip(geo["code"], zip(geo["nom"], geo.geometry)))
    for code in ordre:
        if code not in par_code or len(places) >= n:
            continue
        nom, geometrie = par_code[code]
        point = polylabel(max(getattr(geometrie, "geoms", [geometrie]), key=lambda g: g.area), tolerance=1e-4)
        x, y = (point.x - x0) * cos * echelle, (point.y - y0) * echelle
        demi = 0.3 * HAUTEUR_NOM * len(str(nom)) + 8
        boite = (x - demi, y - HAUTEUR_NOM * 0.7, x + demi, y + HAUTEUR_NOM * 0.7)
        if any(not (boite[2] < b[0] or b[2] < boite[0] or boite[3] < b[1] or b[3] < boite[1]) for b in boites):
            continue
        places.append(code)
        boites.append(boite)
    return places


def _annee_dans(texte: str, annee: int) -> str:
    return texte if str(annee) in texte else f"{texte} en {annee}"


# --- Les diapositives --------------------------------------------------------------------------------
def diapositive_carte(donnees: DonneesCommunes, territoire, code: str | None):
    """La carte des communes colorées selon l'indicateur (dernière année des communes) ; None sans
    contours ou sans valeur."""
    from . import carte as cartes
    from .seminaire import Diapositive

    trouve = indicateur_et_annee(donnees, code)
    if trouve is None or donnees.communes_geo is None or len(donnees.communes_geo) == 0:
        return None
    indicateur, annee, valeurs = trouve
    geo = donnees.communes_geo.copy()
    cle = "code" if "code" in geo.columns else geo.columns[0]
    par_code = valeurs.set_index("code_commune")
    geo["code"] = geo[cle].astype(str)
    geo["nom"] = [par_code["commune"].get(c, n) for c, n in zip(geo["code"], geo.get("nom", geo["code"]))]
    geo["valeur"] = [par_code["valeur"].get(c) for c in geo["code"]]
    geo["texte"] = [par_code["texte"].get(c, "pas de valeur") for c in geo["code"]]
    publies = [float(v) for v in valeurs["valeur"].dropna()]
    symbole = indicateur.symbole
    bornes = cartes.classes(publies)
    geo["couleur"] = [cartes.couleur(v, bornes) if v is not None and not pd.isna(v) else SANS_VALEUR for v in geo["valeur"]]
    # Noms écrits : les communes les plus peuplées (ménages fiscaux, même année si possible).
    menages = donnees.social[(donnees.social["indicateur"] == "menages_fiscaux")
                             & (donnees.social["type_zone"] == "commune")].dropna(subset=["valeur"])
    if not menages.empty:
        menages = menages[menages["annee"] == menages["annee"].max()]
        grandes = list(menages.sort_values("valeur", ascending=False)["code_zone"].astype(str))
    else:
        grandes = list(geo.assign(_a=geo.geometry.area).sort_values("_a", ascending=False)["code"])
    geo["nom_ecrit"] = geo["code"].isin(noms_sans_chevauchement(geo, grandes))
    etiquettes = cartes.etiquettes_classes(bornes, symbole)
    legende = [(cartes.PALETTE_SEQUENTIELLE[min(i, len(cartes.PALETTE_SEQUENTIELLE) - 1)], e)
               for i, e in enumerate(etiquettes)]
    n_sans = int(valeurs["valeur"].isna().sum())
    if n_sans:
        legende.append((SANS_VALEUR, f"pas de valeur publiée ({fmt.nombre(n_sans)})"))
    reperes = _reperes(donnees, territoire, indicateur, annee)
    lignes_reperes = [f"{z} : {t}" for z, t in zip(reperes["zone"], reperes["texte"])]
    carte = CarteCommunes(indicateur.libelle, indicateur.unite, annee, geo, donnees.contour_geo, legende, lignes_reperes)
    n = len(valeurs)
    source = " ; ".join(x for x in [_source_valeurs(pd.concat([valeurs, reperes])), SOURCE_CONTOURS] if x)
    unite = " (en euros par an)" if indicateur.unite == "€ par an" else ""
    return Diapositive(
        "carte_communes", f"{indicateur.libelle} dans les {fmt.nombre(n)} communes",
        f"Année {annee}{unite} · {co.etendue(valeurs, indicateur)}",
        [sans_valeur(valeurs)] if n_sans else [], source, carte_communes=carte)


def diapositive_comparees(donnees: DonneesCommunes, territoire, code: str | None):
    """Les communes comparées : une barre par commune qui a une valeur (triées de la plus haute à la plus
    basse), le territoire et la Côte-d'Or en lignes de repère (la même année, lues dans leur source,
    jamais une moyenne des communes) ; les communes sans valeur nommées en une ligne avec leur raison."""
    from .seminaire import Diapositive, Graphique

    trouve = indicateur_et_annee(donnees, code)
    if trouve is None:
        return None
    indicateur, annee, valeurs = trouve
    avec = valeurs.dropna(subset=["valeur"]).sort_values(["valeur", "commune"], ascending=[False, True])
    barres = pd.DataFrame({"Commune": avec["commune"], "Valeur": avec["valeur"].astype(float),
                           "Texte": avec["texte"].str.replace("\u00a0", " ")})
    reperes = _reperes(donnees, territoire, indicateur, annee)
    lignes_reperes = [(f"{z} : {t}", float(v)) for z, t, v in zip(reperes["zone"], reperes["texte"], reperes["valeur"])]
    symbole = indicateur.symbole
    titre_valeurs = {"%": "en %", "€": "en euros par an" if "par an" in indicateur.unite else "en euros"}.get(
        symbole, indicateur.unite)
    g = Graphique("communes", barres, list(barres["Commune"]), titre_valeurs=titre_valeurs, unite=indicateur.unite,
                  reperes=lignes_reperes)
    points = [sans_valeur(valeurs)] if valeurs["valeur"].isna().any() else []
    source = _source_valeurs(pd.concat([valeurs, reperes]))
    return Diapositive(
        "communes_comparees", "Les communes comparées",
        f"{indicateur.libelle} en {annee} : les {fmt.nombre(len(avec))} communes qui ont une valeur, de la plus haute "
        "à la plus basse",
        points, source, graphique=g)


# --- Écran ---------------------------------------------------------------------------------------------
SANS_VALEUR = "#FFFFFF"
COULEUR_REPERES = ["#C9191E", "#161616"]  # le territoire, puis la Côte-d'Or
COULEUR_BARRES = "#3182BD"  # bleu moyen : les lignes de repère (rouge, noir) se voient sur les barres


def graphique_altair(g, taille: int = 32, hauteur: int = 560):
    """Les barres des communes pour l'écran : noms verticaux (police de sources, 24 px à 1920×1080),
    graduations et lignes de repère en police de salle, nombres à la française."""
    import altair as alt

    from .format import locale_vega

    petit = max(18, int(taille * 0.75))
    format_axe = ",.0f" if g.unite == "%" else ",d"
    format_bulle = ",.1f" if g.unite == "%" else ",d"
    base = alt.Chart(g.donnees).mark_bar(color=COULEUR_BARRES).encode(
        x=alt.X("Commune:N", sort=g.ordre, title=None,
                axis=alt.Axis(labelAngle=-90, labelFontSize=petit, labelLimit=0, labelPadding=6, ticks=False)),
        y=alt.Y("Valeur:Q", title=g.titre_valeurs, scale=alt.Scale(zero=True, nice=True),
                axis=alt.Axis(format=format_axe, tickCount=5)),
        tooltip=[alt.Tooltip("Commune:N"), alt.Tooltip("Valeur:Q", format=format_bulle, title=g.titre_valeurs)],
    )
    couches = [base]
    ordre = sorted(g.reperes, key=lambda r: -r[1])
    if ordre:
        # Les lignes de repère, nommées dans une légende au-dessus du graphique (sur les barres, leur texte
        # cacherait des communes).
        reperes = pd.DataFrame([{"Repère": t, "Valeur": v} for t, v in ordre])
        noms = [t for t, _ in ordre]
        couches.append(alt.Chart(reperes).mark_rule(strokeWidth=5, strokeDash=[14, 6]).encode(
            y="Valeur:Q",
            color=alt.Color("Repère:N", title=None, sort=noms,
                            scale=alt.Scale(domain=noms, range=COULEUR_REPERES[:len(noms)]),
                            legend=alt.Legend(orient="top", direction="horizontal", symbolType="stroke",
                                              symbolStrokeWidth=5, symbolDash=[14, 6], symbolSize=taille * 40,
                                              labelFontSize=taille, labelLimit=0, columnPadding=48)),
            tooltip=[alt.Tooltip("Repère:N")]))
    return (alt.layer(*couches).properties(height=hauteur, width="container")
            .configure(locale=locale_vega())
            .configure_axis(labelFontSize=taille, titleFontSize=taille, labelLimit=0, titleLimit=0, gridColor="#DDDDDD")
            .configure_axisX(labelFontSize=petit)
            .configure_legend(labelFontSize=taille, labelLimit=0)
            .configure_view(stroke=None))


def carte_folium(c: CarteCommunes, hauteur_px: int = 700):
    """La carte des communes pour l'écran, sans fond de carte externe (Leaflet local) : communes colorées
    (infobulle : nom et valeur, ou « pas de valeur »), contour du territoire, noms des plus grandes
    communes écrits en permanence. La légende est à côté, en grands caractères (page)."""
    from . import carte as cartes

    carte = cartes.carte_vide(hauteur_px)
    geo = c.geo
    cartes.CouchePolygones(
        c.libelle, "commune", geo[["code", "nom", "texte", "couleur", "geometry"]],
        infobulle=lambda l: f"{l['nom']} : {l['texte']}",
        style=lambda l: {"color": "#161616", "weight": 1, "fillColor": l["couleur"], "fillOpacity": 0.9,
                         **({"dashArray": "4 3"} if l["couleur"] == SANS_VALEUR else {})},
    ).add_to(carte)
    if c.contour is not None and len(c.contour):
        cartes.CouchePolygones("Contour du territoire", "contour", c.contour[[c.contour.geometry.name]],
                               infobulle=lambda l: "", style=lambda l: {"color": "#161616", "weight": 4, "fill": False},
                               ).add_to(carte)
    # Les noms : une couche sans trait ni fond (elle ne cache rien), une étiquette par commune nommée ; les
    # autres communes y sont aussi, sans texte (étiquette vide cachée), pour que la carte soit cadrée sur
    # tout le territoire quand la page agrandit les noms.
    cartes.CouchePolygones("Noms des communes", "nom", geo[["nom", "nom_ecrit", "geometry"]],
                           infobulle=lambda l: l["nom"] if l["nom_ecrit"] else "", etiquettes=True,
                           style=lambda l: {"stroke": False, "fill": False}).add_to(carte)
    from branca.element import Element

    carte.get_root().header.add_child(Element(
        "<style>.ctg-etiquette:empty { display: none !important; }"  # noms non écrits : pas de bulle vide
        " .leaflet-control-scale-line + .leaflet-control-scale-line { display: none; }</style>"))  # kilomètres seuls
    x0, y0, x1, y1 = geo.total_bounds
    carte.fit_bounds([[y0, x0], [y1, x1]])
    return carte


# --- PDF -----------------------------------------------------------------------------------------------
def dessin_communes(c: CarteCommunes, largeur: float, hauteur: float, taille: float = 13):
    """La carte des communes dessinée sans internet pour le PDF (``reportlab.graphics``) : communes
    colorées selon leur classe (sans valeur : blanches, bord en tirets), contour du territoire, noms des
    plus grandes communes, légende à droite (classes, sans valeur, repères)."""
    from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from . import pdf

    police, gras = pdf.enregistrer_polices()
    dessin = Drawing(largeur, hauteur)
    geo = c.geo
    legende = 0.3 * largeur
    xy, anneaux = pdf.projection_carte(geo.total_bounds, largeur, hauteur, 0.3)

    noir = colors.HexColor("#161616")
    for couleur, geometrie in zip(geo["couleur"], geo.geometry):
        for points in anneaux(geometrie):
            dessin.add(Polygon(points, fillColor=colors.HexColor(couleur), strokeColor=noir, strokeWidth=0.6,
                               strokeDashArray=[3, 2] if couleur == SANS_VALEUR else None))
    if c.contour is not None and len(c.contour):
        for geometrie in c.contour.geometry:
            for points in anneaux(geometrie):
                dessin.add(Polygon(points, fillColor=None, strokeColor=noir, strokeWidth=2.2))
    from shapely.ops import polylabel

    for nom, geometrie in zip(geo.loc[geo["nom_ecrit"], "nom"], geo.loc[geo["nom_ecrit"]].geometry):
        point = polylabel(max(getattr(geometrie, "geoms", [geometrie]), key=lambda g: g.area), tolerance=1e-4)
        x, y = xy(point.x, point.y)
        texte = pdf.imprimable(str(nom))
        w = stringWidth(texte, gras, taille * 0.85)
        dessin.add(Rect(x - w / 2 - 2, y - 3, w + 4, taille * 0.85 + 3, fillColor=colors.white,
                        strokeColor=None))
        dessin.add(String(x, y, texte, fontName=gras, fontSize=taille * 0.85, fillColor=noir, textAnchor="middle"))
    # Légende : titre (indicateur, année), classes, sans valeur, repères.
    x, y = largeur - legende + 14, hauteur - taille - 6
    largeur_texte = legende - 20
    for ligne in _couper(f"{c.libelle}, {c.annee}", gras, taille, largeur_texte):
        dessin.add(String(x, y, pdf.imprimable(ligne), fontName=gras, fontSize=taille))
        y -= taille * 1.25
    y -= taille * 0.4
    for couleur, libelle in c.legende:
        dessin.add(Rect(x, y - 2, taille * 1.4, taille, fillColor=colors.HexColor(couleur), strokeColor=noir,
                        strokeWidth=0.6, strokeDashArray=[3, 2] if couleur == SANS_VALEUR else None))
        dessin.add(String(x + taille * 2, y, pdf.imprimable(libelle), fontName=police, fontSize=taille))
        y -= taille * 1.7
    y -= taille * 0.5
    for repere in c.reperes:
        for k, ligne in enumerate(_couper(repere, police, taille, largeur_texte)):
            dessin.add(String(x, y, pdf.imprimable(ligne), fontName=police, fontSize=taille))
            y -= taille * 1.25
        y -= taille * 0.3
    return dessin


def _couper(texte: str, police: str, taille: float, largeur: float) -> list[str]:
    """Le texte en lignes qui tiennent dans ``largeur`` (coupé entre les mots)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lignes, courante = [], ""
    for mot in texte.split(" "):
        essai = f"{courante} {mot}".strip()
        if courante and stringWidth(essai, police, taille) > largeur:
            lignes.append(courante)
            courante = mot
        else:
            courante = essai
    return lignes + ([courante] if courante else [])


def dessin_barres(g, largeur: float, hauteur: float, taille: float = 15):
    """Les barres des communes pour le PDF (mêmes données que l'écran) : noms verticaux sous les barres,
    graduations à la française, lignes de repère du territoire et de la Côte-d'Or avec leur texte."""
    from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from . import pdf
    from .seminaire import _pas

    police, gras = pdf.enregistrer_polices()
    dessin = Drawing(largeur, hauteur)
    noir, gris = colors.HexColor("#161616"), colors.HexColor("#D0D0D0")
    d = g.donnees
    petit = max(7.0, min(taille * 0.7, 0.8 * (largeur - 5 * taille) / max(len(d), 1)))
    bas = max(stringWidth(pdf.imprimable(n), police, petit) for n in d["Commune"]) + 8
    # Légende des repères sur une ligne si elle tient, sinon une ligne par repère.
    ordre = sorted(g.reperes, key=lambda r: -r[1])
    largeurs = [2.8 * taille + stringWidth(pdf.imprimable(t), gras, taille) + 2 * taille for t, _ in ordre]
    une_ligne = sum(largeurs) <= largeur - 4.6 * taille
    lignes_legende = (1 if une_ligne else len(g.reperes)) if g.reperes else 0
    x0, x1, y0, y1 = 4.6 * taille, largeur - 6, bas, hauteur - (2 + 1.3 * lignes_legende) * taille
    maximum = max([float(d["Valeur"].max()), *[v for _, v in g.reperes]])
    pas = _pas(maximum, 5)
    vmax = math.ceil(maximum / pas) * pas

    def y_de(v: float) -> float:
        return y0 + v / vmax * (y1 - y0)

    v = 0.0
    while v <= vmax + pas / 1000:
        dessin.add(Line(x0, y_de(v), x1, y_de(v), strokeColor=gris, strokeWidth=0.6))
        dessin.add(String(x0 - 6, y_de(v) - taille * 0.35, fmt.nombre(round(v, 6)), fontName=police, fontSize=taille,
                          fillColor=noir, textAnchor="end"))
        v += pas
    dessin.add(String(4, y1 + taille * 0.6, pdf.imprimable(g.titre_valeurs), fontName=gras, fontSize=taille,
                      fillColor=noir))
    rang = (x1 - x0) / max(len(d), 1)
    for k, (nom, valeur) in enumerate(zip(d["Commune"], d["Valeur"])):
        x = x0 + k * rang
        dessin.add(Rect(x + rang * 0.12, y0, rang * 0.76, y_de(float(valeur)) - y0, fillColor=colors.HexColor(COULEUR_BARRES),
                        strokeColor=None))
        etiquette = Group(String(0, 0, pdf.imprimable(str(nom)), fontName=police, fontSize=petit, fillColor=noir,
                                 textAnchor="end"))
        etiquette.transform = (0, 1, -1, 0, x + rang / 2 + petit * 0.35, y0 - 4)
        dessin.add(etiquette)
    # Lignes de repère, nommées dans une légende au-dessus du graphique (leur texte ne cache aucune barre).
    x = x0
    for k, (texte, valeur) in enumerate(ordre):
        couleur = colors.HexColor(COULEUR_REPERES[k % len(COULEUR_REPERES)])
        y = y_de(valeur)
        dessin.add(Line(x0, y, x1, y, strokeColor=couleur, strokeWidth=2.5, strokeDashArray=[8, 4]))
        ty = hauteur - (1 if une_ligne else k + 1) * taille * 1.3
        dessin.add(Line(x, ty + taille * 0.35, x + 2.4 * taille, ty + taille * 0.35, strokeColor=couleur, strokeWidth=2.5,
                        strokeDashArray=[8, 4]))
        dessin.add(String(x + 2.8 * taille, ty, pdf.imprimable(texte), fontName=gras, fontSize=taille, fillColor=couleur))
        x += largeurs[k] if une_ligne else 0
    return dessin

