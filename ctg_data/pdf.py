"""Ce que les trois documents PDF du tableau de bord ont en commun : polices, styles, gabarit de page
(pied de page : titre du document, date d'édition, source, « page N / M »), texte sûr et tableaux.

Les documents eux-mêmes restent chez eux : le tableau récapitulatif annuel (``recapitulatif.en_pdf``),
le portrait de quartier (``portrait_quartier.en_pdf``) et le diaporama du séminaire (``seminaire.en_pdf``).

Règles tenues ici, pour les trois :
- le texte venu des données ou d'un éditeur n'est jamais lu comme du balisage (``echapper``) ;
- une cellule de tableau très longue passe à la ligne et se coupe d'une page à l'autre au lieu de
  faire échouer la mise en page (``tableau``) ;
- les polices sont enregistrées par une fonction explicite, appelée par ``styles`` et ``MiseEnPage``
  (aucun import fait pour ses effets de bord).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, TableStyle

from .vocabulaire import Statut

# Police TrueType livrée avec reportlab (Bitstream Vera) : accents, « », œ, —, €, … sans rien installer.
POLICE = "Vera"
POLICE_GRAS = "Vera-Gras"
_FICHIERS_POLICES = {POLICE: "Vera.ttf", POLICE_GRAS: "VeraBd.ttf"}

AUTEUR = "Tableau de bord des CTG, Caf de la Côte-d'Or"
BLEU = colors.HexColor("#000091")  # titres, en-têtes de tableau
GRIS_TEXTE = colors.HexColor("#3A3A3A")  # texte secondaire (sous-titres, sources, pied de page)
GRILLE = colors.HexColor("#9A9A9A")  # traits des tableaux

# Caractères absents de Vera : remplacés par un équivalent qu'elle a (sinon un carré vide s'imprime).
_REMPLACEMENTS = {"\u202f": "\u00a0", "\u2009": " ", "\u2007": "\u00a0", "\u2192": "->", "\u2190": "<-",
                  "\u2191": "^", "\u2193": "v", "\u2713": "oui", "\u2717": "non"}
_CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def enregistrer_polices() -> tuple[str, str]:
    """Enregistre Vera et Vera-Gras auprès de reportlab (une fois : les appels suivants ne refont rien)
    et rend leurs noms ``(POLICE, POLICE_GRAS)``."""
    deja = set(pdfmetrics.getRegisteredFontNames())
    dossier = Path(reportlab.__file__).parent / "fonts"
    for nom, fichier in _FICHIERS_POLICES.items():
        if nom not in deja:
            pdfmetrics.registerFont(TTFont(nom, str(dossier / fichier)))
    return POLICE, POLICE_GRAS


@lru_cache(maxsize=1)
def _glyphes() -> frozenset[int]:
    enregistrer_polices()
    return frozenset(pdfmetrics.getFont(POLICE).face.charToGlyph)


def imprimable(texte: str) -> str:
    """Le texte, avec ses caractères de contrôle retirés et ceux que la police n'a pas remplacés par un
    équivalent (espace fine insécable → espace insécable, flèche → « -> »…)."""
    texte = _CONTROLES.sub("", texte.replace("\r\n", "\n").replace("\r", "\n"))
    glyphes = _glyphes()
    if all(ord(c) in glyphes or c in "\n\t" for c in texte):
        return texte
    sortie = []
    for c in texte:
        if ord(c) in glyphes or c in "\n\t":
            sortie.append(c)
        elif c in _REMPLACEMENTS:
            sortie.append(_REMPLACEMENTS[c])
        else:
            decompose = unicodedata.normalize("NFKD", c)
            garde = "".join(x for x in decompose if ord(x) in glyphes)
            sortie.append(garde or "?")
    return "".join(sortie)


def echapper(texte) -> str:
    """Texte (d'un éditeur, d'un fichier de données…) prêt pour un ``Paragraph`` de reportlab : ``<``,
    ``>`` et ``&`` échappés (jamais lus comme du balisage), sauts de ligne gardés, caractères absents
    de la police remplacés. ``None`` et NaN deviennent un texte vide."""
    if texte is None or (isinstance(texte, float) and math.isnan(texte)):
        return ""
    return escape(imprimable(str(texte))).replace("\n", "<br/>").replace("\t", " ")


def paragraphe(texte, style: ParagraphStyle, **options) -> Paragraph:
    """Un paragraphe de texte brut (échappé : aucun balisage n'est interprété)."""
    return Paragraph(echapper(texte), style, **options)


@dataclass(frozen=True)
class Styles:
    """Les styles de paragraphe des trois documents (police Vera, texte en noir ou gris foncé, titres en bleu)."""

    titre: ParagraphStyle  # titre d'un document A4
    sous_titre: ParagraphStyle  # ligne d'explication sous le titre, sources en fin de document
    intertitre: ParagraphStyle  # titre de section (portrait)
    texte: ParagraphStyle
    petit: ParagraphStyle  # mention, cellule de tableau secondaire
    cellule: ParagraphStyle  # cellule de tableau
    entete: ParagraphStyle  # en-tête de tableau (blanc sur bleu)
    diapo_titre: ParagraphStyle  # diaporama : grands caractères
    diapo_sous_titre: ParagraphStyle
    diapo_point: ParagraphStyle
    diapo_source: ParagraphStyle
    pied: ParagraphStyle  # pied de page (taille et couleur ; dessiné sur le canevas)


@lru_cache(maxsize=1)
def styles() -> Styles:
    """Les styles communs (les polices sont enregistrées au passage)."""
    police, gras = enregistrer_polices()
    return Styles(
        titre=ParagraphStyle("titre", fontName=gras, fontSize=15.5, leading=19.5, spaceAfter=2 * mm),
        sous_titre=ParagraphStyle("sous_titre", fontName=police, fontSize=9, leading=12, textColor=GRIS_TEXTE),
        intertitre=ParagraphStyle("intertitre", fontName=gras, fontSize=11, leading=14, spaceBefore=4 * mm,
                                  spaceAfter=1.5 * mm, textColor=BLEU),
        texte=ParagraphStyle("texte", fontName=police, fontSize=8.5, leading=11),
        petit=ParagraphStyle("petit", fontName=police, fontSize=7, leading=9, textColor=GRIS_TEXTE),
        cellule=ParagraphStyle("cellule", fontName=police, fontSize=7.5, leading=9),
        entete=ParagraphStyle("entete", fontName=gras, fontSize=7.5, leading=9, textColor=colors.white),
        diapo_titre=ParagraphStyle("diapo_titre", fontName=gras, fontSize=28, leading=34, textColor=BLEU,
                                   spaceAfter=4 * mm),
        diapo_sous_titre=ParagraphStyle("diapo_sous_titre", fontName=police, fontSize=16, leading=20, spaceAfter=6 * mm),
        diapo_point=ParagraphStyle("diapo_point", fontName=police, fontSize=15, leading=21, leftIndent=8 * mm,
                                   bulletIndent=0, bulletFontName=police, spaceAfter=2 * mm),
        diapo_source=ParagraphStyle("diapo_source", fontName=police, fontSize=9, leading=11, textColor=GRIS_TEXTE,
                                    spaceBefore=8 * mm),
        pied=ParagraphStyle("pied", fontName=police, fontSize=7, leading=9, textColor=GRIS_TEXTE),
    )


def teinte(couleur: str, part: float = 0.25) -> colors.Color:
    """La couleur « #RRGGBB » éclaircie (mêlée de blanc, ``part`` de la couleur) : fond de cellule sur
    lequel un texte noir reste lisible."""
    r, g, b = (int(couleur[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colors.Color(*(1 - part * (1 - c) for c in (r, g, b)))


def fond_statut(libelle: str) -> colors.Color | None:
    """Fond de la cellule d'un statut d'indicateur : la couleur du statut (``vocabulaire.Statut``)
    éclaircie ; None pour un libellé qui n'est pas un statut (« sans indicateur », vide…)."""
    try:
        return teinte(Statut.depuis(str(libelle).split(" (")[0].strip()).couleur)
    except ValueError:
        return None


def _coupable(texte: str) -> str:
    """Dans une colonne étroite, l'espace insécable entre un nombre et un mot (« 2 553 allocataires »)
    devient une espace ordinaire : le mot passe à la ligne au lieu d'être coupé en son milieu
    (« alloc ataires »). Les nombres et leurs symboles (« 38,1 % », « 21 830 € ») restent insécables."""
    return re.sub("(?<=\\d)\u00a0(?=[^\\W\\d_]{3})", " ", texte)


class _Tableau(LongTable):
    """Tableau qui se coupe entre deux lignes, et à l'intérieur d'une ligne seulement quand celle-ci
    ne tiendrait pas non plus sur une page vide, ou quand il reste au moins un tiers de page (sinon la
    ligne passe entière à la page suivante : ni bout de ligne ni en-tête répété en bas de page, ni page
    presque blanche)."""

    hauteur_page: float | None = None  # hauteur disponible sur une page vide (fixée par MiseEnPage)

    def split(self, availWidth, availHeight):
        self._calc(availWidth, availHeight)
        parties = self._splitRows(availHeight, doInRowSplit=False)
        if not parties and (self._ligne_plus_haute_qu_une_page() or self._reste_un_tiers(availHeight)):
            parties = self._splitRows(availHeight, doInRowSplit=True)
        for partie in parties:
            partie.hauteur_page = self.hauteur_page
        return parties

    def _reste_un_tiers(self, hauteur_disponible: float) -> bool:
        return self.hauteur_page is not None and hauteur_disponible >= self.hauteur_page / 3

    def _ligne_plus_haute_qu_une_page(self) -> bool:
        if self.hauteur_page is None:
            return True  # page inconnue : couper plutôt qu'échouer
        entete = sum(self._rowHeights[:self.repeatRows])
        premiere = self._rowHeights[self.repeatRows] if len(self._rowHeights) > self.repeatRows else 0
        return entete + premiere > self.hauteur_page - 1


def tableau(entetes: Sequence[str], lignes: Iterable[Sequence], largeurs: Sequence[float], *,
            style_cellule: ParagraphStyle | None = None, fonds: Iterable[tuple[int, int, colors.Color]] = (),
            rembourrage: float | None = None) -> LongTable:
    """Tableau à en-tête bleu répété en haut de chaque page, grille grise, cellules alignées en haut.

    Chaque cellule est un paragraphe échappé qui passe à la ligne ; une ligne plus haute qu'une page
    se coupe d'une page à l'autre au lieu de lever ``LayoutError`` (les autres lignes restent
    entières). ``fonds`` :
    (colonne, ligne de données à partir de 0, couleur) pour colorer une cellule."""
    st = styles()
    cellule = style_cellule or st.cellule
    donnees = [[paragraphe(e, st.entete) for e in entetes]]
    donnees += [[Paragraph(_coupable(echapper(v)), cellule) for v in ligne] for ligne in lignes]
    table = _Tableau(donnees, colWidths=list(largeurs), repeatRows=1, splitInRow=1)
    commandes = [
        ("BACKGROUND", (0, 0), (-1, 0), BLEU),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, GRILLE),
    ]
    if rembourrage is not None:
        commandes += [("LEFTPADDING", (0, 0), (-1, -1), rembourrage), ("RIGHTPADDING", (0, 0), (-1, -1), rembourrage)]
    commandes += [("BACKGROUND", (col, ligne + 1), (col, ligne + 1), couleur) for col, ligne, couleur in fonds]
    table.setStyle(TableStyle(commandes))
    return table


def _tronquer(texte: str, police: str, taille: float, largeur: float) -> str:
    if pdfmetrics.stringWidth(texte, police, taille) <= largeur:
        return texte
    while texte and pdfmetrics.stringWidth(texte + "…", police, taille) > largeur:
        texte = texte[:-1]
    return texte.rstrip() + "…"


@dataclass(frozen=True)
class MiseEnPage:
    """Le gabarit de page commun : format, marges, et un pied de page sur chaque page avec le titre du
    document et sa date d'édition, la source (facultative) et « page N / M » (ou « page N »)."""

    titre: str
    format: tuple[float, float] = A4
    marge_cotes: float = 14 * mm
    marge_haut: float = 14 * mm
    marge_bas: float = 16 * mm
    edite_le: dt.date | None = None
    source: str = ""
    total_des_pages: bool = True

    @property
    def largeur(self) -> float:
        """Largeur utile (entre les marges), en points."""
        return self.format[0] - 2 * self.marge_cotes

    @property
    def hauteur(self) -> float:
        """Hauteur utile (entre les marges), en points."""
        return self.format[1] - self.marge_haut - self.marge_bas

    @property
    def date(self) -> dt.date:
        return self.edite_le or dt.date.today()

    def texte_pied(self, page: int, total: int | None) -> tuple[str, str, str]:
        """Les trois textes du pied de page : (titre et date, numéro de page, source)."""
        numero = f"page {page} / {total}" if total is not None and self.total_des_pages else f"page {page}"
        return f"{self.titre} — édité le {self.date:%d/%m/%Y}", numero, (f"Source : {self.source}" if self.source else "")

    def _dessiner_pied(self, canevas, page: int, total: int | None) -> None:
        gauche, numero, source = self.texte_pied(page, total)
        st = styles().pied
        droite = self.format[0] - self.marge_cotes
        largeur_numero = pdfmetrics.stringWidth(numero, st.fontName, st.fontSize)
        haut = min(self.marge_bas - 5 * mm, 9 * mm)
        canevas.saveState()
        canevas.setFillColor(st.textColor)
        canevas.setStrokeColor(GRILLE)
        canevas.setLineWidth(0.3)
        canevas.line(self.marge_cotes, haut + 3.2 * mm, droite, haut + 3.2 * mm)
        canevas.setFont(st.fontName, st.fontSize)
        canevas.drawString(self.marge_cotes, haut,
                           _tronquer(imprimable(gauche), st.fontName, st.fontSize, self.largeur - largeur_numero - 6 * mm))
        canevas.drawRightString(droite, haut, numero)
        if source:
            canevas.drawString(self.marge_cotes, haut - 3.4 * mm,
                               _tronquer(imprimable(source), st.fontName, st.fontSize, self.largeur))
        canevas.restoreState()

    def produire(self, elements: list[Flowable]) -> bytes:
        """Met en page ``elements`` et rend les octets du PDF (métadonnées : titre, auteur)."""
        enregistrer_polices()
        for element in elements:
            if isinstance(element, _Tableau):
                element.hauteur_page = self.hauteur - 12  # cadre de la page moins ses marges intérieures (6 pt)
        tampon = io.BytesIO()
        doc = SimpleDocTemplate(
            tampon, pagesize=self.format, leftMargin=self.marge_cotes, rightMargin=self.marge_cotes,
            topMargin=self.marge_haut, bottomMargin=self.marge_bas, title=imprimable(self.titre), author=AUTEUR,
            lang="fr-FR",
        )
        gabarit = self

        class Canevas(rl_canvas.Canvas):
            """Garde chaque page jusqu'à la fin pour écrire « page N / M » une fois M connu."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._pages: list[dict] = []

            def showPage(self):
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._pages)
                for etat in self._pages:
                    self.__dict__.update(etat)
                    gabarit._dessiner_pied(self, self._pageNumber, total)
                    super().showPage()
                super().save()

        doc.build(elements, canvasmaker=Canevas)
        return tampon.getvalue()


class DessinEnImage(Flowable):
    """Un dessin reportlab (carte, graphique du diaporama) posé sur la page comme une image : un objet
    « Form » du PDF (XObject), vectoriel, net à toute taille, dessiné sans navigateur ni internet."""

    _numero = 0

    def __init__(self, dessin):
        super().__init__()
        self.dessin = dessin
        self.width, self.height = dessin.width, dessin.height
        DessinEnImage._numero += 1
        self.nom = f"Dessin{DessinEnImage._numero}"

    def wrap(self, largeur_disponible, hauteur_disponible):
        return self.width, self.height

    def draw(self):
        from reportlab.graphics import renderPDF

        canevas = self.canv
        canevas.beginForm(self.nom, 0, 0, self.width, self.height)
        renderPDF.draw(self.dessin, canevas, 0, 0)
        canevas.endForm()
        canevas.doForm(self.nom)


def projection_carte(bornes, largeur: float, hauteur: float, part_legende: float):
    """Pour dessiner une carte dans un PDF (``reportlab.graphics``) : les fonctions ``xy(lon, lat)`` (point
    du dessin) et ``anneaux(geometrie)`` (contour extérieur de chaque polygone, en liste de coordonnées du
    dessin). ``bornes`` : (ouest, sud, est, nord) en WGS 84 ; la carte est centrée dans la largeur laissée
    par la légende (``part_legende`` de la largeur, à droite), sans déformation (cosinus de la latitude)."""
    import math

    x0, y0, x1, y1 = bornes
    lat0 = math.radians((y0 + y1) / 2)
    legende = part_legende * largeur
    echelle = min((largeur - legende - 10) / ((x1 - x0) * math.cos(lat0)), (hauteur - 10) / (y1 - y0))
    dx = (largeur - legende - (x1 - x0) * math.cos(lat0) * echelle) / 2
    dy = (hauteur - (y1 - y0) * echelle) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return dx + (lon - x0) * math.cos(lat0) * echelle, dy + (lat - y0) * echelle

    def anneaux(geometrie):
        for poly in getattr(geometrie, "geoms", [geometrie]):
            if poly.geom_type == "Polygon":
                yield [v for lon, lat in poly.exterior.coords for v in xy(lon, lat)]

    return xy, anneaux
