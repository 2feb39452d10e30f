"""Le portrait d'une commune d'un territoire décrit par ses communes (une intercommunalité qui a ses
données dérivées) : pour chaque indicateur de son dictionnaire, la dernière valeur de la commune avec son
année et sa source en mots, et à côté celles du territoire, de la Côte-d'Or et de la France de la MÊME
année ; la place de la commune parmi celles du territoire qui ont une valeur ; une courte série ; les
fiches du plan qui la concernent. Données prêtes à afficher, tableau pour tableur et PDF A4.

Règles tenues ici : une valeur absente (secret statistique, commune absente du fichier…) est dite
absente, avec sa raison, jamais estimée ni remplacée par 0 ; aucune moyenne de communes (une médiane ou
une part ne se moyenne pas) : la place de la commune et l'étendue des valeurs seulement. Les valeurs
viennent de ``ctg_data.communes`` (un seul endroit qui lit le tableau social du territoire).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from . import communes as cm
from . import format as fmt
from .territoire import Territoire

# En-têtes des colonnes de comparaison (le nom complet de la zone est dans ``ComparaisonZone.nom``).
ENTETE_TERRITOIRE = "Territoire"
ENTETES_TYPES = {"France métropolitaine": "France"}
PAS_DE_LIGNE = "pas de valeur pour cette année dans les fichiers lus"
PAS_DE_LIGNE_COURT = "pas de valeur dans les fichiers lus"  # cellule de tableau (l'année est dans sa colonne)
# En dessous de ce nombre de communes avec une valeur, pas de classement : l'étendue les nomme toutes.
MINIMUM_POUR_CLASSER = 5


def _texte_absent(statut: str) -> str:
    return f"pas de valeur publiée ({statut})"


@dataclass(frozen=True)
class Zone:
    """Une zone de comparaison du portrait : en-tête court de colonne et nom complet."""

    entete: str
    nom: str
    type_zone: str


@dataclass(frozen=True)
class ValeurZone:
    """La valeur d'une zone de comparaison pour l'année de la ligne (ou son absence, avec sa raison)."""

    zone: Zone
    valeur: float | None
    texte: str
    source: str
    source_detail: str


@dataclass(frozen=True)
class LignePortrait:
    """Un indicateur du portrait d'une commune."""

    code: str
    libelle: str  # libellé du dictionnaire, avec « par an » pour des euros par an
    unite: str
    annee: int | None  # année de la ligne : la dernière année où les communes ont une ligne
    valeur: float | None  # valeur publiée de la commune cette année-là, sinon None
    texte: str  # « 22 760 € » ou « pas de valeur publiée (secret statistique ou seuil de diffusion) »
    raison: str  # pourquoi la valeur manque (vide si elle est publiée)
    derniere_publiee: tuple[int, str] | None  # (année, texte) de la dernière valeur publiée avant, s'il y en a
    source: str  # source en mots de la valeur de la commune (ou de son absence)
    source_detail: str  # référence technique (fichier, colonne)
    remarque: str  # précaution de lecture propre à la valeur de la commune (note du fichier)
    avertissement: str  # précaution à lire À CÔTÉ de la valeur (un 0 écrit tel quel dans le fichier), sinon ""
    comparaisons: tuple[ValeurZone, ...]  # territoire puis ses comparaisons, même année
    position: str  # place parmi les communes du territoire qui ont une valeur cette année-là
    etendue: str  # de la plus basse à la plus haute (``communes.etendue``)
    serie: str  # valeurs de la commune, année par année
    definition: str
    precautions: str

    @property
    def publiee(self) -> bool:
        return self.valeur is not None

    @property
    def texte_complet(self) -> str:
        """La valeur de la commune avec sa précaution, ou son absence avec sa raison et, s'il y en a une, la
        dernière valeur publiée avant."""
        texte = f"{self.texte} ({self.avertissement})" if self.avertissement else self.texte
        if self.raison and self.raison not in texte:
            texte += f" : {self.raison}"
        if self.derniere_publiee:
            annee, derniere = self.derniere_publiee
            texte += f" ; dernière valeur publiée : {derniere} en {annee}"
        return texte

    def comparaison(self, entete: str) -> ValeurZone | None:
        return next((c for c in self.comparaisons if c.zone.entete == entete), None)


@dataclass(frozen=True)
class Portrait:
    """Le portrait d'une commune : ses indicateurs et ce qui les entoure."""

    code: str
    nom: str
    territoire: str  # nom du territoire (l'intercommunalité)
    nombre_communes: int
    zones: tuple[Zone, ...]
    lignes: tuple[LignePortrait, ...]
    fiches: str = ""  # une ligne : les fiches du plan et la commune
    fiches_ciblees: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (id, titre)

    @property
    def identite(self) -> str:
        return (f"{self.nom} (code INSEE {self.code}) est l'une des {fmt.nombre(self.nombre_communes)} communes "
                f"du territoire {self.territoire}.")

    def sources(self) -> list[str]:
        """Les sources en mots des valeurs du portrait (sans l'année ni la zone : « INSEE, Filosofi,
        revenus disponibles »), dans l'ordre des indicateurs."""
        vues = []
        for l in self.lignes:
            for s in [l.source, *(c.source for c in l.comparaisons)]:
                if s:
                    vues.append(_source_generique(s))
        return list(dict.fromkeys(vues))


def _source_generique(source: str) -> str:
    """« INSEE, Filosofi 2019, revenus disponibles, commune » -> « INSEE, Filosofi, revenus disponibles »."""
    morceaux = [m.strip() for m in source.split(",")]
    if len(morceaux) > 1 and morceaux[-1] in ("commune", "EPCI", "département", "région", "France métropolitaine"):
        morceaux = morceaux[:-1]
    texte = ", ".join(morceaux)
    texte = re.sub(r"\s(?:19|20)\d\d\b", "", texte)
    texte = re.sub(r",\s*(?:commune|EPCI|département|région|France métropolitaine)\s*;", " ;", texte)
    return texte


def zones(territoire: Territoire) -> tuple[Zone, ...]:
    """Le territoire (en-tête « Territoire ») puis ses comparaisons, dans l'ordre de son fichier."""
    resultat = []
    for i, (type_zone, _, nom) in enumerate(cm.zones_de_reference(territoire)):
        entete = ENTETE_TERRITOIRE if i == 0 else ENTETES_TYPES.get(type_zone, nom)
        resultat.append(Zone(entete, nom, type_zone))
    return tuple(resultat)


def libelle(indicateur: cm.Indicateur) -> str:
    return f"{indicateur.libelle}, par an" if indicateur.unite == "€ par an" else indicateur.libelle


def _rang(valeurs: pd.DataFrame, code: str, annee: int) -> str:
    """« 12e valeur la plus basse des 51 communes qui ont une valeur en 2019 » (ou la plus haute, si la
    commune est plus près du haut) ; vide si la commune n'a pas de valeur ou est seule à en avoir."""
    avec = valeurs.dropna(subset=["valeur"])
    if code not in set(avec["code_commune"]):
        return ""
    if len(avec) < MINIMUM_POUR_CLASSER:
        return (f"pas de classement : {fmt.nombre(len(avec))} commune{'s' if len(avec) > 1 else ''} seulement "
                f"{'ont' if len(avec) > 1 else 'a'} une valeur en {annee}")
    v = float(avec.loc[avec["code_commune"] == code, "valeur"].iloc[0])
    n = len(avec)
    plus_bas = int((avec["valeur"] < v).sum()) + 1
    plus_haut = int((avec["valeur"] > v).sum()) + 1
    egales = int((avec["valeur"] == v).sum()) - 1
    sur = f"des {fmt.nombre(n)} communes du territoire qui ont une valeur en {annee}"
    if plus_bas <= plus_haut:
        rang, sens = plus_bas, "basse"
    else:
        rang, sens = plus_haut, "haute"
    texte = (f"la valeur la plus {sens} {sur}" if rang == 1
             else f"{rang}{'e'} valeur la plus {sens} {sur}")
    if egales:
        texte += f" (à égalité avec {fmt.nombre(egales)} autre{'s' if egales > 1 else ''})"
    return texte


def _serie_commune(social: pd.DataFrame, territoire: Territoire, indicateur: cm.Indicateur,
                   commune: tuple[str, str]) -> str:
    lignes = cm.serie(social, territoire, indicateur, commune)
    lignes = lignes[lignes["type_zone"] == "commune"]
    if lignes.empty:
        return ""
    return " ; ".join(f"{int(l['annee'])} : {l['texte'] if pd.notna(l['valeur']) else 'pas de valeur publiée'}"
                      for l in lignes.to_dict("records"))


def _ligne_commune(social: pd.DataFrame, code: str, indicateur: cm.Indicateur) -> pd.DataFrame:
    return social[(social["type_zone"] == "commune") & (social["code_zone"].astype(str) == str(code))
                  & (social["indicateur"] == indicateur.code)].sort_values("annee")


def _note(valeur) -> str:
    return valeur if isinstance(valeur, str) else ""


def ligne(social: pd.DataFrame, territoire: Territoire, indicateur: cm.Indicateur,
          commune: tuple[str, str]) -> LignePortrait:
    """La ligne d'un indicateur pour une commune (code, nom)."""
    code = commune[0]
    zs = zones(territoire)
    annee = cm.derniere_annee(indicateur)
    lignes = _ligne_commune(social, code, indicateur)
    a_cette_annee = lignes[lignes["annee"] == annee] if annee is not None else lignes.iloc[0:0]
    derniere_publiee = None
    if a_cette_annee.empty:
        valeur, texte, raison, source, detail, remarque, avertissement = (
            None, _texte_absent("pas de ligne pour cette année"), PAS_DE_LIGNE, "", "", "", "")
    else:
        l = a_cette_annee.iloc[0]
        publiee = pd.notna(l["valeur"])
        valeur = float(l["valeur"]) if publiee else None
        note = _note(l["note"])
        if publiee:
            texte = cm.ligne_lisible(l.to_dict(), indicateur.unite)["texte"]
            raison, remarque = "", note
            # Un 0 écrit tel quel dans le fichier garde sa précaution à côté de lui.
            zero = [m for m in note.split(" ; ") if m.startswith("0 ")]
            avertissement = zero[0] if zero and valeur == 0 else ""
        else:
            texte, raison, remarque, avertissement = _texte_absent(l["statut"]), (note or l["statut"]), "", ""
        source, detail = l["source"], _note(l.get("source_detail"))
    if valeur is None:
        avant = lignes.dropna(subset=["valeur"])
        if not avant.empty:
            d = avant.iloc[-1]
            derniere_publiee = (int(d["annee"]), cm.ligne_lisible(d.to_dict(), indicateur.unite)["texte"])
    comparaisons = []
    reperes = cm.reperes(social, territoire, indicateur, annee) if annee is not None else pd.DataFrame()
    par_nom = {r["zone"]: r for r in reperes.to_dict("records")} if len(reperes) else {}
    for z in zs:
        r = par_nom.get(z.nom)
        if r is None:
            comparaisons.append(ValeurZone(z, None, PAS_DE_LIGNE, "", ""))
        else:
            comparaisons.append(ValeurZone(z, r["valeur"], r["texte"] if r["valeur"] is not None
                                           else _texte_absent(r["statut"]), r["source"], _note(r["source_detail"])))
    valeurs = cm.valeurs_communes(social, indicateur, annee) if annee is not None else pd.DataFrame()
    return LignePortrait(
        code=indicateur.code, libelle=libelle(indicateur), unite=indicateur.unite, annee=annee, valeur=valeur,
        texte=texte, raison=raison, derniere_publiee=derniere_publiee, source=source, source_detail=detail,
        remarque=remarque, avertissement=avertissement, comparaisons=tuple(comparaisons),
        position=_rang(valeurs, code, annee) if annee is not None else "",
        etendue=cm.etendue(valeurs, indicateur) if annee is not None else "",
        serie=_serie_commune(social, territoire, indicateur, commune),
        definition=indicateur.definition, precautions=indicateur.precautions,
    )


def fiches_de_la_commune(fiches, nom: str, territoire: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(phrase d'une ligne, fiches qui nomment la commune) : les fiches du plan d'une intercommunalité
    portent sur tout son territoire, sauf celles qui nomment la commune dans leurs zones."""
    ciblees = tuple((f.id, f.titre) for f in fiches if nom in (f.quartiers or []))
    if ciblees:
        return (f"{len(ciblees)} fiche{'s' if len(ciblees) > 1 else ''} du plan nomme{'nt' if len(ciblees) > 1 else ''} "
                f"cette commune ; les autres portent sur tout le territoire.", ciblees)
    return (f"Les {len(fiches)} fiches du plan portent sur tout le territoire ({territoire}) : aucune ne vise "
            "une commune en particulier.", ())


def portrait(social: pd.DataFrame, dictionnaire: pd.DataFrame, territoire: Territoire, commune: tuple[str, str],
             fiches=()) -> Portrait:
    """Le portrait de la commune (code, nom) : une ligne par indicateur du dictionnaire qui a des lignes
    de communes, dans l'ordre du dictionnaire."""
    inds = [i for i in cm.indicateurs(social, dictionnaire) if i.annees_communes]
    communes = social.loc[social["type_zone"] == "commune", "code_zone"].nunique()
    phrase, ciblees = fiches_de_la_commune(list(fiches), commune[1], territoire.nom)
    return Portrait(code=commune[0], nom=commune[1], territoire=territoire.nom, nombre_communes=int(communes),
                    zones=zones(territoire), lignes=tuple(ligne(social, territoire, i, commune) for i in inds),
                    fiches=phrase, fiches_ciblees=ciblees)


# --- Tableaux ------------------------------------------------------------------------------------
COLONNE_INDICATEUR, COLONNE_COMMUNE, COLONNE_ANNEE, COLONNE_SOURCE = "Indicateur", "Commune", "Année", "Source"
COLONNE_POSITION = "Place dans le territoire"


def _cellule(valeur: float | None, texte: str, unite: str) -> str:
    """Le texte d'une cellule : un effectif sans son unité (« 12 550 », le libellé dit « Ménages fiscaux »),
    pour qu'il tienne dans une colonne étroite ; une valeur absente de tout fichier, en peu de mots."""
    if texte == PAS_DE_LIGNE:
        return PAS_DE_LIGNE_COURT
    if valeur is not None and pd.notna(valeur) and not unite.startswith(("€", "%")):
        return fmt.nombre(valeur)
    return texte


def tableau(p: Portrait, entetes: list[str] | None = None, court: bool = False) -> pd.DataFrame:
    """Le tableau du portrait : Indicateur | Commune | Territoire | Côte-d'Or | … | Année | Place | Source.
    ``entetes`` : les zones de comparaison à garder (toutes par défaut). ``court`` (écran) : la cellule de
    la commune dit « pas de valeur publiée » ou « 0 % (à lire avec prudence) » en peu de mots ; la raison
    et la précaution sont alors dans la colonne « Place dans le territoire » et dans ``remarques``."""
    gardees = [z for z in p.zones if entetes is None or z.entete in entetes]
    lignes = []
    for l in p.lignes:
        if court:
            commune = (_cellule(l.valeur, l.texte, l.unite) if l.publiee else "pas de valeur publiée")
            if l.avertissement:
                commune += " (à lire avec prudence)"
        else:
            commune = l.texte_complet if not l.publiee or l.avertissement else _cellule(l.valeur, l.texte, l.unite)
        if l.derniere_publiee and court:
            commune += f" ; dernière valeur publiée : {l.derniere_publiee[1]} en {l.derniere_publiee[0]}"
        d = {COLONNE_INDICATEUR: l.libelle, COLONNE_COMMUNE: commune}
        for z in gardees:
            c = l.comparaison(z.entete)
            d[z.entete] = _cellule(c.valeur, c.texte, l.unite) if c else PAS_DE_LIGNE_COURT
        d[COLONNE_ANNEE] = l.annee
        d[COLONNE_POSITION] = l.position or ("pas de place (pas de valeur publiée)" if not l.publiee else "")
        d[COLONNE_SOURCE] = l.source or "aucune ligne dans les fichiers lus"
        lignes.append(d)
    colonnes = [COLONNE_INDICATEUR, COLONNE_COMMUNE, *(z.entete for z in gardees), COLONNE_ANNEE, COLONNE_POSITION,
                COLONNE_SOURCE]
    return pd.DataFrame(lignes, columns=colonnes).astype({COLONNE_ANNEE: "Int64"})


def tableau_pour_tableur(p: Portrait) -> pd.DataFrame:
    """Le tableau à télécharger : celui de la page, plus la valeur de la commune en nombre, la raison d'une
    absence, les précautions, et les références techniques (« source_detail », rangées par l'export dans
    la dernière colonne « Détail de la source (fichier, ligne) »)."""
    t = tableau(p)
    t.insert(2, "Valeur de la commune (nombre)", [l.valeur for l in p.lignes])
    t.insert(3, "Unité", [l.unite for l in p.lignes])
    t["Raison de l'absence"] = [l.raison for l in p.lignes]
    t["Précautions"] = [" ".join(x for x in (l.remarque, l.precautions) if x) for l in p.lignes]
    t["source_detail"] = [" ; ".join(x for x in [l.source_detail, *(f"{c.zone.nom} : {c.source_detail}"
                                                                     for c in l.comparaisons if c.source_detail)] if x)
                          for l in p.lignes]
    return t


def remarques(p: Portrait) -> list[str]:
    """Ce qu'il faut lire à côté du tableau, en une ligne chacun : les valeurs absentes de la commune
    regroupées par raison, et les précautions propres à une valeur (un 0 écrit tel quel dans le fichier)."""
    par_raison: dict[str, list[str]] = {}
    for l in p.lignes:
        if not l.publiee:
            par_raison.setdefault(l.raison, []).append(l.libelle)
    lignes = []
    for raison, libelles in par_raison.items():
        combien = (f"{len(libelles)} indicateurs sur {len(p.lignes)}" if len(libelles) > 1 else libelles[0])
        lignes.append(f"Pas de valeur publiée pour {p.nom} ({combien}) : {raison}.")
    for l in p.lignes:
        if l.avertissement:
            lignes.append(f"{l.libelle} de {p.nom} en {fmt.annee(l.annee)} : {l.texte}, {l.avertissement}.")
    return lignes


def details_des_sources(p: Portrait) -> list[tuple[str, list[str]]]:
    """Pour le volet « Détail des sources » : (indicateur, [« zone : fichier, colonne »…])."""
    resultat = []
    for l in p.lignes:
        lignes = [f"{p.nom} : {l.source_detail}"] if l.source_detail else []
        lignes += [f"{c.zone.nom} : {c.source_detail}" for c in l.comparaisons if c.source_detail]
        resultat.append((l.libelle, lignes))
    return resultat


def chiffres_du_territoire(social: pd.DataFrame, dictionnaire: pd.DataFrame, territoire: Territoire) -> pd.DataFrame:
    """Les valeurs du territoire lui-même, chacune à sa dernière année (valeur ou raison de son absence),
    avec sa source : pour la page sans commune choisie."""
    lignes = []
    for i in cm.indicateurs(social, dictionnaire):
        s = cm.serie(social, territoire, i)
        s = s[s["zone"] == territoire.nom]
        if s.empty:
            continue
        avec = s.dropna(subset=["valeur"])
        l = (avec if not avec.empty else s).iloc[-1]
        lignes.append({COLONNE_INDICATEUR: libelle(i),
                       "Valeur": l["texte"] if pd.notna(l["valeur"]) else _texte_absent(l["statut"]),
                       COLONNE_ANNEE: int(l["annee"]), COLONNE_SOURCE: l["source"]})
    return pd.DataFrame(lignes, columns=[COLONNE_INDICATEUR, "Valeur", COLONNE_ANNEE, COLONNE_SOURCE])


# --- Carte de situation -------------------------------------------------------------------------
GRIS, CONTOUR, COULEUR_COMMUNE = "#E5E5E5", "#7A7A7A", "#000091"


def carte_de_situation(communes_geo, code: str, largeur: int = 360) -> str:
    """Une petite carte de situation en SVG (sans fond de carte ni réseau) : les communes du territoire
    en gris clair, la commune choisie en bleu. Projection simple (longitudes resserrées par le cosinus
    de la latitude moyenne), suffisante pour situer une commune dans son intercommunalité."""
    from xml.sax.saxutils import escape

    minx, miny, maxx, maxy = communes_geo.total_bounds
    k = math.cos(math.radians((miny + maxy) / 2))
    w, h = (maxx - minx) * k, maxy - miny
    echelle = largeur / w
    hauteur = round(h * echelle)

    def chemin(geometrie) -> str:
        parties = []
        for poly in getattr(geometrie, "geoms", [geometrie]):
            for anneau in [poly.exterior, *poly.interiors]:
                pts = " ".join(f"{(x - minx) * k * echelle:.1f},{(maxy - y) * echelle:.1f}" for x, y in anneau.coords)
                parties.append(f"M{pts}Z")
        return " ".join(parties)

    formes = []
    choisie = None
    for c, nom, g in zip(communes_geo["code"].astype(str), communes_geo["nom"], communes_geo.geometry):
        if g is None or g.is_empty:
            continue
        if c == str(code):
            choisie = (nom, g)
            continue
        formes.append(f'<path d="{chemin(g)}" fill="{GRIS}" stroke="{CONTOUR}" stroke-width="0.6"><title>'
                      f'{escape(str(nom))}</title></path>')
    if choisie:
        formes.append(f'<path d="{chemin(choisie[1])}" fill="{COULEUR_COMMUNE}" stroke="#161616" stroke-width="1.2">'
                      f'<title>{escape(str(choisie[0]))}</title></path>')
    titre = (f"Situation de {choisie[0]} parmi les communes du territoire" if choisie
             else "Les communes du territoire")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {largeur} {hauteur}" role="img" '
            f'width="{largeur}" height="{hauteur}" aria-label="{escape(titre)}">'
            f'<title>{escape(titre)}</title>{"".join(formes)}</svg>')


def dessin_de_situation(communes_geo, code: str, largeur: float = 200):
    """La même carte de situation pour le PDF : un dessin reportlab (vectoriel, sans réseau)."""
    from reportlab.graphics.shapes import Drawing, Polygon
    from reportlab.lib import colors

    minx, miny, maxx, maxy = communes_geo.total_bounds
    k = math.cos(math.radians((miny + maxy) / 2))
    echelle = largeur / ((maxx - minx) * k)
    dessin = Drawing(largeur, (maxy - miny) * echelle)
    choisies = []
    for c, g in zip(communes_geo["code"].astype(str), communes_geo.geometry):
        if g is None or g.is_empty:
            continue
        if c == str(code):
            choisies.append(g)
            continue
        for poly in getattr(g, "geoms", [g]):
            points = [v for x, y in poly.exterior.coords for v in ((x - minx) * k * echelle, (y - miny) * echelle)]
            dessin.add(Polygon(points, fillColor=colors.HexColor(GRIS), strokeColor=colors.HexColor(CONTOUR),
                               strokeWidth=0.4))
    for g in choisies:
        for poly in getattr(g, "geoms", [g]):
            points = [v for x, y in poly.exterior.coords for v in ((x - minx) * k * echelle, (y - miny) * echelle)]
            dessin.add(Polygon(points, fillColor=colors.HexColor(COULEUR_COMMUNE), strokeColor=colors.black,
                               strokeWidth=0.8))
    return dessin


# --- PDF ------------------------------------------------------------------------------------------
def en_pdf(p: Portrait, plan_titre: str = "", edite_le: dt.date | None = None, communes_geo=None) -> bytes:
    """Le portrait en PDF A4 : identité (et carte de situation si ``communes_geo`` est donné), un tableau
    (Indicateur | Commune | zones | Année), la place de la commune et les précisions, les fiches du plan, les
    sources en mots."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from . import pdf

    titre = f"Portrait de commune — {p.nom}"
    page = pdf.MiseEnPage(titre, edite_le=edite_le, source="tableau de bord de la CTG ; sources en fin de document")
    st = pdf.styles()
    entetes = [z.entete for z in p.zones if z.type_zone != "région"]
    t = tableau(p, entetes, court=True).drop(columns=[COLONNE_POSITION, COLONNE_SOURCE])
    t[COLONNE_ANNEE] = [fmt.annee(a) if pd.notna(a) else "" for a in t[COLONNE_ANNEE]]
    poids = [2.6, 2.2, *([1.4] * len(entetes)), 0.8]
    largeurs = [page.largeur * x / sum(poids) for x in poids]
    elements = [
        pdf.paragraphe(titre, st.titre),
        pdf.paragraphe(f"Édité le {page.date:%d/%m/%Y} à partir du tableau de bord de la CTG"
                       + (f" ({plan_titre})" if plan_titre else "") + ".", st.petit),
        pdf.paragraphe("La commune", st.intertitre),
        pdf.paragraphe(p.identite, st.texte),
        *([Spacer(1, 2 * mm), pdf.DessinEnImage(dessin_de_situation(communes_geo, p.code, 150)),
           pdf.paragraphe(f"En bleu : {p.nom} ; en gris : les autres communes du territoire (contours IGN, "
                          "Admin Express 2018, simplifiés).", st.petit)]
          if communes_geo is not None else []),
        pdf.paragraphe("Indicateurs, face au territoire et à ses comparaisons (même année)", st.intertitre),
        pdf.tableau(list(t.columns), t.astype(object).itertuples(index=False), largeurs, style_cellule=st.petit),
        Spacer(1, 1.5 * mm),
        *(pdf.paragraphe(r, st.texte) for r in remarques(p)),
        pdf.paragraphe("Colonne « Territoire » : " + p.territoire + ". Chaque ligne compare des valeurs de la même "
                       "année (colonne « Année »). Une valeur absente l'est dans la source (secret statistique, "
                       "commune absente du fichier) : elle n'est ni estimée ni remplacée.", st.petit),
        pdf.paragraphe("Place de la commune dans le territoire", st.intertitre),
    ]
    for l in p.lignes:
        morceaux = [l.position or "pas de place (pas de valeur publiée pour la commune)"]
        if l.etendue:
            morceaux.append(f"valeurs des communes : {l.etendue}")
        elements += [pdf.paragraphe(f"{l.libelle} ({fmt.annee(l.annee)}) : " + " ; ".join(morceaux) + ".", st.texte),
                     Spacer(1, 1.2 * mm)]
    elements += [pdf.paragraphe("Fiches du plan", st.intertitre), pdf.paragraphe(p.fiches, st.texte)]
    for id_, titre_fiche in p.fiches_ciblees:
        elements.append(pdf.paragraphe(f"{id_} — {titre_fiche}", st.texte))
    elements += [Spacer(1, 4 * mm), pdf.paragraphe("Sources : " + " ; ".join(p.sources()) + ".", st.petit)]
    return page.produire(elements)
