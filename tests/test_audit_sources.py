"""Relecture des données transcrites à la main, ligne à ligne, dans les documents sources.

Chaque ligne de ``portrait.csv``, ``equipements.csv``, ``equipements_quartiers.csv``, ``quartiers.csv``,
``cite_educative.csv`` et chaque fiche et indicateur des plans cite un fichier de ``../shared/seeds`` et
un numéro de ligne. Ces tests relisent le document à cette ligne (à une ou deux lignes près, pour les
phrases coupées en fin de ligne) et vérifient que la citation, le nombre, le nom, l'adresse ou le titre
y sont bien. Les comparaisons ignorent ce que l'extraction du texte a abîmé : accents, majuscules,
espaces (insécables ou non), apostrophes, ponctuation, quelques erreurs d'OCR répétées (liste ``OCR``) ;
les corrections écrites dans la note de la ligne (« DUON » corrigé en « Dijon », « XXl » lu comme
« XXIII »…) sont appliquées au document. Seuls les titres et libellés des plans, que l'extraction coupe
parfois d'un bandeau de page, peuvent concorder à 3 mots sur 4 ; tout le reste concorde mot pour mot.

Un test vérifie aussi qu'aucun chiffre du portrait de territoire (préambule de la convention) ne
manque à ``portrait.csv``, et un autre que les fiches du plan Gevrey-Nuits suivent la règle du plan
(l'en-tête de la fiche l'emporte sur le tableau récapitulatif, chaque écart noté).

Les documents sont lus dans ``../shared/seeds`` (à côté de ``CTG_REFERENCE_DIR``), jamais copiés
dans le projet ; sans ce dossier, les tests sont sautés en le disant.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from ctg_data import config
from ctg_data.catalogue import charger
from ctg_data.plan import charger_plans

SEEDS = Path(config.dossier_reference()).parent / "seeds"
pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"documents sources absents ({SEEDS}) : relecture des transcriptions impossible"
)

CONVENTION = "002_e8b9c2145bef99c1.txt"
ANNEXES = "000_6464dfed2d3d1a29.txt"
GEVREY = "004_b7bf33d42c2812f8.txt"


# --- Lecture et comparaison -------------------------------------------------------------------

# Erreurs de reconnaissance de caractères (OCR) répétées dans les extractions, corrigées avant toute
# comparaison : « I'enfant » pour « l'enfant » (le l de l' lu comme un I majuscule, 137 fois dans 000),
# « |e », « |a » pour « le », « la », « & » pour « à », « ceuvre » pour « œuvre ».
OCR = [
    (re.compile(r"\bI(?=['’][a-zà-ÿ])"), "l"),
    (re.compile(r"\|(?=[a-zà-ÿ])"), "l"),
    (re.compile(r"(?<=\s)&(?=\s)"), "à"),
    (re.compile(r"\bceuvre"), "œuvre"),
]


@functools.cache
def lignes(fichier: str) -> tuple[str, ...]:
    """Les lignes du document (la ligne n est lignes(f)[n - 1]), erreurs d'OCR répétées corrigées."""
    texte = (SEEDS / fichier).read_text(encoding="utf-8")
    for motif, remplacement in OCR:
        texte = motif.sub(remplacement, texte)
    return tuple(texte.split("\n"))


def aplatir(texte: str) -> str:
    """Forme de comparaison : erreurs d'OCR répétées corrigées, sans accents, en minuscules, lettres,
    chiffres, % et € seulement (espaces, espaces insécables, apostrophes, tirets et ponctuation
    disparaissent)."""
    texte = str(texte)
    for motif, remplacement in OCR:
        texte = motif.sub(remplacement, texte)
    texte = unicodedata.normalize("NFKD", texte.replace("œ", "oe").replace("Œ", "OE"))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9%€]", "", texte)


# « A » corrigé en « B », « A » → « B », « A » lu comme « B »… : corrections documentées dans les notes.
CORRECTION = re.compile(
    r"«\s*([^»]+?)\s*»\s*(?:\([^()]*\)\s*)?"
    r"(?:corrigée?s? en|→|lu comme|écrit|normalisée? en|capitalisée?s?(?: en)?|complétée? en)"
    r"\s*«\s*([^»]+?)\s*»"
)


def corrections(*notes) -> list[tuple[str, str]]:
    paires = []
    for note in notes:
        if isinstance(note, str):
            paires += [(aplatir(a), aplatir(b)) for a, b in CORRECTION.findall(note) if aplatir(a)]
    return paires


def fenetre(fichier: str, debut: int, fin: int, corr=()) -> tuple[str, list[int]]:
    """Texte aplati des lignes debut..fin (numérotées à partir de 1), corrections appliquées, et
    position de départ de chaque ligne dans ce texte."""
    texte, departs = "", []
    for n in range(max(1, debut), min(fin, len(lignes(fichier))) + 1):
        ligne = aplatir(lignes(fichier)[n - 1])
        for a, b in corr:
            ligne = ligne.replace(a, b)
        departs.append(len(texte))
        texte += ligne
    return texte, departs


def trouve(cherche: str, fichier: str, debut: int, fin: int, corr=(), sur_ligne: int | None = None) -> bool:
    """``cherche`` est-il dans les lignes debut..fin ? Avec ``sur_ligne`` : et touche-t-il cette ligne ?"""
    cherche = aplatir(cherche)
    for a, b in corr:
        cherche = cherche.replace(a, b)
    texte, departs = fenetre(fichier, debut, fin, corr)
    for a, b in corr:  # une correction peut chevaucher deux lignes : la réappliquer au texte entier
        texte = texte.replace(a, b)
    if not cherche:
        return False
    if sur_ligne is None:
        return cherche in texte
    i = sur_ligne - max(1, debut)
    if not 0 <= i < len(departs):
        return False
    d = departs[i]
    f = departs[i + 1] if i + 1 < len(departs) else len(texte)
    return any(m.start() < f and m.start() + len(cherche) > d for m in re.finditer(re.escape(cherche), texte))


def mots(texte: str) -> list[str]:
    """Les mots d'au moins 4 lettres, aplatis."""
    return [aplatir(m) for m in re.findall(r"[^\W\d_]{4,}", str(texte))]


def concorde(cherche: str, fichier: str, debut: int, fin: int, corr=(), sur_ligne: int | None = None) -> bool:
    """``cherche`` est dans les lignes debut..fin, mot pour mot ; ou, quand l'extraction a coupé ou
    abîmé le texte (bandeau de page au milieu d'un titre, mot illisible), au moins 3 sur 4 de ses mots
    d'au moins 4 lettres y sont. Avec ``sur_ligne`` : le texte commence ou passe par cette ligne."""
    if trouve(cherche, fichier, debut, fin, corr, sur_ligne=sur_ligne):
        return True
    texte, _ = fenetre(fichier, debut, fin, corr)
    liste = mots(cherche)
    if sur_ligne is not None:
        ligne, _ = fenetre(fichier, sur_ligne, sur_ligne, corr)
        if not any(m in ligne for m in liste):
            return False
    return bool(liste) and sum(m in texte for m in liste) >= 0.75 * len(liste)


def ligne_citee(section: str) -> int:
    """« … (ligne 156) » -> 156 ; « … (lignes 1852-1870) » -> 1852 ; « titre ligne 38 » -> 38."""
    m = re.search(r"titre ligne (\d+)", section) or re.search(r"\(lignes? (\d+)", section)
    assert m, f"pas de numéro de ligne dans « {section} »"
    return int(m.group(1))


def plage_citee(section: str) -> tuple[int, int]:
    m = re.search(r"\(lignes? (\d+)(?:-(\d+))?", section)
    assert m, f"pas de numéro de ligne dans « {section} »"
    return int(m.group(1)), int(m.group(2) or m.group(1))


@functools.cache
def annexes() -> dict[str, tuple[int, int]]:
    """Lignes de chaque annexe de 000 : {"1": (1, 130), "2": (131, 392), "2 bis": (393, 478), …}."""
    debuts = []
    for n, ligne in enumerate(lignes(ANNEXES), start=1):
        m = re.match(r"\s*ANNEXE (\d)( bis)?\b", ligne)
        if m:
            debuts.append((m.group(1) + (" bis" if m.group(2) else ""), n))
    fins = [n - 1 for _, n in debuts[1:]] + [len(lignes(ANNEXES))]
    return {nom: (debut, fin) for (nom, debut), fin in zip(debuts, fins)}


FICHIER_ABREGE = re.compile(r"(\d{3})_(?:[0-9a-f]{16}\.txt|…)")


def fichier_designe(texte: str, defaut: str) -> str:
    """Le document nommé dans ``texte`` (« 002_e8b9….txt », « 000_… »), sinon ``defaut``."""
    m = FICHIER_ABREGE.search(texte)
    if not m:
        return defaut
    (nom,) = [p.name for p in SEEDS.glob(f"{m.group(1)}_*.txt")]
    return nom


# « citation » (l. 12) ; « citation » (Annexe 3, l. 635-636) ; « citation », l. 1680 ; « … » (002_….txt, l. 858-860)
RENVOI = re.compile(
    r"«\s*(?P<citation>[^»]+?)\s*»\s*(?:\((?P<avant>[^()«»]*?)l\.\s*(?P<a>\d+)(?:-(?P<b>\d+))?\)"
    r"|,\s*(?P<avant2>[^()«»,;]*?)l\.\s*(?P<a2>\d+)(?:-(?P<b2>\d+))?)"
)
ANNEXE_LIGNE = re.compile(r"Annexe (\d)( bis)?,?\s*\(?l\.\s*(\d+)")


def renvois_faux(note: str, fichier: str) -> list[str]:
    """Les renvois d'une note qui ne tombent pas juste : citation absente de la ligne annoncée,
    ligne hors de l'annexe annoncée."""
    faux = []
    if not isinstance(note, str):
        return faux
    corr = corrections(note)
    for m in RENVOI.finditer(note):
        a = int(m.group("a") or m.group("a2"))
        b = int(m.group("b") or m.group("b2") or a)
        doc = fichier_designe(m.group("avant") or m.group("avant2") or "", fichier)
        morceaux = [x for x in re.split(r"\s*(?:\[…\]|…|\.\.\.)\s*", m.group("citation")) if aplatir(x)]
        if not all(trouve(x, doc, a - 1, b + 1, corr) for x in morceaux):
            faux.append(f"« {m.group('citation')} » absent de {doc} l. {a}-{b}")
    if fichier == ANNEXES:
        for m in ANNEXE_LIGNE.finditer(note):
            nom, n = m.group(1) + (" bis" if m.group(2) else ""), int(m.group(3))
            debut, fin = annexes()[nom]
            if not debut <= n <= fin:
                faux.append(f"ligne {n} citée comme Annexe {nom}, qui occupe les lignes {debut}-{fin}")
    return faux


NOMBRE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def nombres(texte: str) -> set[float]:
    return {float(re.sub(r"[ \u00a0\u202f]", "", x).replace(",", ".")) for x in NOMBRE.findall(texte)}


# Chiffres écrits en lettres dans le document, et la valeur que la transcription leur donne
# (un tiers et deux tiers : arrondis au dixième, voir la note de la ligne).
EN_LETTRES = [
    ("deuxtiers", 200 / 3), ("untiers", 100 / 3), ("moitie", 50), ("cinquieme", 20), ("dunpoint", 1),
    ("9jeunesde1824ans10", 90), ("unjeunesurdeux", 50),
]


def valeur_en_lettres(texte: str) -> float | None:
    plat = aplatir(texte)
    return next((v for cle, v in EN_LETTRES if cle in plat), None)


def echecs(liste: list[str]) -> str:
    return "\n".join(liste)


# --- Portrait de territoire (préambule de la convention) --------------------------------------

@pytest.fixture(scope="module")
def portrait() -> pd.DataFrame:
    return charger("portrait")


def test_portrait_chaque_citation_a_sa_ligne(portrait):
    faux = []
    for _, r in portrait.iterrows():
        n = ligne_citee(r["source_section"])
        if not trouve(r["citation"], r["source_fichier"], n - 2, n + 2, sur_ligne=n):
            faux.append(f"{r['id']} : citation absente de la ligne {n}")
    assert not faux, echecs(faux)


def test_portrait_valeur_annee_qualificatif_territoire_dans_le_texte(portrait):
    faux = []
    for _, r in portrait.iterrows():
        n, fichier, note = ligne_citee(r["source_section"]), r["source_fichier"], r["note"] if pd.notna(r["note"]) else ""
        valeur = abs(r["valeur"])
        if valeur not in nombres(r["citation"]):
            # chiffre écrit en lettres : la note le dit et cite les mots, qui sont dans la citation
            dit = re.search(r"«\s*([^»]+?)\s*»\s*converti en", note) or re.search(
                r"écrit en lettres \([^«]*«\s*([^»]+?)\s*»", note)
            en_lettres = valeur_en_lettres(dit.group(1)) if dit else None
            if not dit or aplatir(dit.group(1)) not in aplatir(r["citation"]) or en_lettres is None \
                    or abs(en_lettres - valeur) > 0.05:
                faux.append(f"{r['id']} : valeur {r['valeur']} absente de la citation")
        texte, _ = fenetre(fichier, n - 3, n + 3)
        for annee in [r["annee"]] if pd.notna(r["annee"]) else []:
            if str(annee) not in texte:
                faux.append(f"{r['id']} : année {annee} absente des lignes {n - 3}-{n + 3}")
        if pd.notna(r["periode"]) and not all(a in texte for a in r["periode"].split("-")):
            faux.append(f"{r['id']} : période {r['periode']} absente des lignes {n - 3}-{n + 3}")
        if pd.notna(r["qualificatif"]):
            dans_citation = aplatir(r["qualificatif"]) in aplatir(r["citation"])
            explique = aplatir(r["qualificatif"]) in aplatir(note)
            if not (dans_citation or explique):
                faux.append(f"{r['id']} : qualificatif « {r['qualificatif']} » ni cité ni expliqué")
        if r["territoire"] != "Dijon":
            noms = {"France": ["national"]}.get(r["territoire"], [r["territoire"]])
            if not any(aplatir(x) in texte for x in noms):
                faux.append(f"{r['id']} : territoire « {r['territoire']} » absent des lignes {n - 3}-{n + 3}")
    assert not faux, echecs(faux)


def test_portrait_rubrique_de_chaque_ligne(portrait):
    """« Préambule — La dynamique démographique (ligne 155) » : la ligne 155 est bien sous ce titre."""
    titres = {re.sub(r"^Préambule — | \(lignes? .*$", "", s) for s in portrait["source_section"]}
    position = {}
    for titre in titres:
        (n,) = [i for i, l in enumerate(lignes(CONVENTION), start=1)
                if aplatir(l).startswith(aplatir(titre)) and len(aplatir(l)) < len(aplatir(titre)) + 5]
        position[titre] = n
    faux = []
    for _, r in portrait.iterrows():
        n = ligne_citee(r["source_section"])
        au_dessus = max((p, t) for t, p in position.items() if p <= n)[1]
        if not r["source_section"].startswith(f"Préambule — {au_dessus} ("):
            faux.append(f"{r['id']} : ligne {n} sous « {au_dessus} », pas « {r['source_section']} »")
    assert not faux, echecs(faux)


# Nombres du préambule qui ne sont pas des chiffres du portrait : (ligne, nombre, raison).
PAS_UN_CHIFFRE = {
    (149, "80"): "« depuis les années 80 » : une époque, pas une mesure",
    (152, "1999"): "« Depuis 1999 » : le poids de Dijon dans la métropole, sans chiffre",
    (175, "2014"): "« Entre 2014 et 2020, une légère dégradation » : tendance sans chiffre",
    (176, "2020"): "même phrase que la ligne 175",
    (217, "20"): "« personnes âgées de 20-29 ans » : tranche d'âge sur-représentée, sans chiffre",
    (217, "29"): "même tranche d'âge",
    (271, "12"): "« la tranche d'âge des 12/25 ans » : tranche d'âge, sans chiffre",
    (271, "25"): "même tranche d'âge",
    (272, "18"): "« une rupture observée à 18 ans » : un âge, pas une mesure",
    (274, "18"): "« à partir de 18 ans l'accès au logement » : même âge",
}


def test_portrait_aucun_chiffre_du_preambule_ne_manque(portrait):
    """Chaque nombre et chaque fraction écrite en lettres du portrait (de « LES CARACTÉRISTIQUES
    TERRITORIALES » à « Ces quelques constats et chiffres clefs ») est repris par une ligne de
    portrait.csv citée à cette ligne (ou à la voisine) : dans sa citation, son année ou sa note."""
    texte = lignes(CONVENTION)
    debut = next(i for i, l in enumerate(texte, 1) if "CARACTÉRISTIQUES TERRITORIALES" in l)
    fin = next(i for i, l in enumerate(texte, 1) if l.startswith("Ces quelques constats et chiffres clefs"))
    par_ligne = {}
    for _, r in portrait[portrait["source_fichier"] == CONVENTION].iterrows():
        par_ligne.setdefault(ligne_citee(r["source_section"]), []).append(r)
    manquants = []
    for n in range(debut, fin):
        voisines = [r for m in (n - 1, n, n + 1) for r in par_ligne.get(m, [])]
        reprise = " ".join(
            f"{r['citation']} {r['note'] if pd.notna(r['note']) else ''} {r['annee'] if pd.notna(r['annee']) else ''} "
            f"{r['periode'] if pd.notna(r['periode']) else ''}" for r in voisines
        )
        a_couvrir = [x for x in NOMBRE.findall(texte[n - 1])]
        a_couvrir += re.findall(r"\b(moitié|tiers|cinquième|quart|dixième|d’un point|d'un point)\b", texte[n - 1])
        for x in a_couvrir:
            if (n, x) in PAS_UN_CHIFFRE:
                continue
            if aplatir(x) not in aplatir(reprise):
                manquants.append(f"ligne {n} : « {x} » ({texte[n - 1].strip()[:90]})")
    assert not manquants, "chiffres du préambule absents de portrait.csv :\n" + echecs(manquants)


# --- Équipements (annexes 2 et 2 bis) -------------------------------------------------------

@pytest.fixture(scope="module")
def equipements() -> pd.DataFrame:
    return charger("equipements")


def test_equipements_nom_adresse_gestionnaire_a_leur_ligne(equipements):
    faux = []
    for _, r in equipements.iterrows():
        n, fichier = ligne_citee(r["source_section"]), r["source_fichier"]
        corr = corrections(r["note"])
        annexe = "2 bis" if "Annexe 2 bis" in r["source_section"] else "2"
        debut, fin = annexes()[annexe]
        if not debut <= n <= fin:
            faux.append(f"{r['id']} : ligne {n} hors de l'Annexe {annexe} (lignes {debut}-{fin})")
        if not trouve(r["nom"], fichier, n, n + 2, corr, sur_ligne=n):
            faux.append(f"{r['id']} : nom « {r['nom']} » absent de la ligne {n}")
        # l'adresse suit le nom, sauf pour la ligne ALSH dont seul le gestionnaire est lisible (EQ042)
        if pd.notna(r["adresse"]) and not trouve(r["adresse"], fichier, n - 3, n + 5, corr):
            faux.append(f"{r['id']} : adresse « {r['adresse']} » absente des lignes {n - 3}-{n + 5}")
        if pd.notna(r["code_postal"]) and not trouve(f"{r['code_postal']} {r['commune']}", fichier, n, n + 5, corr):
            faux.append(f"{r['id']} : « {r['code_postal']} {r['commune']} » absent des lignes {n}-{n + 5}")
        if pd.notna(r["gestionnaire"]) and r["gestionnaire"] not in ("Ville de Dijon", "CCAS de Dijon") \
                and not trouve(r["gestionnaire"], fichier, n, n + 8, corr):
            faux.append(f"{r['id']} : gestionnaire « {r['gestionnaire']} » absent des lignes {n}-{n + 8}")
    assert not faux, echecs(faux)


def test_equipements_renvois_des_notes(equipements):
    """Chaque « citation » (l. N) d'une note est à la ligne N ; chaque « Annexe K, l. N » est dans l'annexe K."""
    faux = [f"{r['id']} : {f}" for _, r in equipements.iterrows() for f in renvois_faux(r["note"], r["source_fichier"])]
    assert not faux, echecs(faux)


def test_equipements_quartier_dit_par_le_document(equipements):
    """Un quartier dans equipements.csv est écrit dans le document à côté du nom de l'équipement."""
    faux = []
    for _, r in equipements[equipements["quartier"].notna()].iterrows():
        m = re.search(r"Quartier : [^«]*«\s*([^»]+?)\s*»\s*\(Annexe (\d), l\. (\d+)(?:-(\d+))?\)", r["note"])
        if not m:
            faux.append(f"{r['id']} : la note ne cite pas le document pour le quartier")
            continue
        a, b = int(m.group(3)), int(m.group(4) or m.group(3))
        if not (trouve(r["quartier"], ANNEXES, a, b) and aplatir(r["quartier"]) in aplatir(m.group(1))):
            faux.append(f"{r['id']} : quartier « {r['quartier']} » absent de la citation l. {a}-{b}")
    assert not faux, echecs(faux)


def test_equipements_quartiers_renvois_et_accord_avec_equipements(equipements):
    decisions = charger("equipements_quartiers")
    faux = [f"{r['id']} : {f}" for _, r in decisions.iterrows() for f in renvois_faux(r["raison"], ANNEXES)]
    par_id = equipements.set_index("id")
    for _, r in decisions.iterrows():
        dit = par_id.at[r["id"], "quartier"]
        if pd.notna(dit) and dit != r["quartier"]:
            faux.append(f"{r['id']} : {r['quartier']} ici, {dit} dans equipements.csv")
        if pd.isna(dit) and "Quartier laissé vide" in str(par_id.at[r["id"], "note"]):
            faux.append(f"{r['id']} : rattaché à {r['quartier']} ici, « laissé vide » dans equipements.csv")
        # « même adresse (2 allée Docteur Huot) », « même rue (rue Castelnau) » : c'est bien sa rue
        for rue in re.findall(r"\((?:\d[\w-]* )?((?:rue|allée|boulevard|avenue|cours|quai) [^)]+)\)", r["raison"]):
            if aplatir(rue) not in aplatir(par_id.at[r["id"], "adresse"]):
                faux.append(f"{r['id']} : la raison cite « {rue} », son adresse est « {par_id.at[r['id'], 'adresse']} »")
    assert not faux, echecs(faux)


# --- Quartiers et Cité éducative --------------------------------------------------------------

def test_quartiers_noms_et_renvois():
    quartiers = charger("quartiers")
    faux = []
    # ordre du calendrier des projets de territoire (Annexe 4) : celui des noms dans le document
    a, b = plage_citee(quartiers["source_section"].iloc[0])
    texte, _ = fenetre(ANNEXES, a, b)
    ordre = sorted(quartiers.itertuples(), key=lambda q: texte.find(aplatir(q.nom)))
    if [q.ordre_calendrier for q in ordre] != list(range(1, len(quartiers) + 1)):
        faux.append(f"ordre du calendrier : {[q.nom for q in ordre]} dans le document")
    for _, r in quartiers.iterrows():
        a, b = plage_citee(r["source_section"])
        if not trouve(r["nom"], r["source_fichier"], a, b):
            faux.append(f"{r['id']} : « {r['nom']} » absent des lignes {a}-{b}")
        note = r["note"] if pd.notna(r["note"]) else ""
        for m in re.finditer(r"\((?:(?P<fichier>[^()]*?),\s*)?ligne (?P<n>\d+)\)", note):
            doc = fichier_designe(m.group("fichier") or "", r["source_fichier"])
            n = int(m.group("n"))
            noms = [r["nom"]] + ([r["nom_qpv"]] if pd.notna(r["nom_qpv"]) else [])
            if not any(trouve(x, doc, n - 1, n + 1) for x in noms):
                faux.append(f"{r['id']} : « {r['nom']} » absent de {doc} ligne {n}")
    assert not faux, echecs(faux)


def test_cite_educative_chaque_information_a_sa_ligne():
    cite = charger("cite_educative")
    faux = []
    for _, r in cite.iterrows():
        a, b = plage_citee(r["source_section"])
        texte, _ = fenetre(r["source_fichier"], a - 1, b + 1, corrections(r["note"]))
        for x in nombres(r["texte"]) | ({r["valeur"]} if pd.notna(r["valeur"]) else set()):
            if not any(x == y for y in nombres(" ".join(lignes(r["source_fichier"])[a - 2:b + 1]))):
                faux.append(f"{r['id']} : {x} absent des lignes {a}-{b}")
        mots = [m for m in re.findall(r"\w{5,}", r["texte"]) if not m.isdigit()]
        absents = [m for m in mots if aplatir(m) not in texte]
        if len(absents) > len(mots) / 2:
            faux.append(f"{r['id']} : « {r['texte']} » : {', '.join(absents)} absents des lignes {a}-{b}")
    assert not faux, echecs(faux)


# --- Plans d'actions --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plans():
    plans, erreurs = charger_plans()
    assert erreurs == []
    return plans


def test_plans_fiches_et_indicateurs_a_leur_ligne(plans):
    faux = []
    for plan in plans.values():
        for fiche in plan.fiches:
            corr = corrections(fiche.note)
            n = ligne_citee(fiche.source.section)
            # titre repris d'ailleurs quand la fiche l'a perdu à l'extraction : la note dit où
            ailleurs = re.search(r"titre[^.]*?repris de[^.]*?\(lignes? (\d+)(?:-(\d+))?\)", fiche.note or "", re.I)
            a, b = (int(ailleurs.group(1)), int(ailleurs.group(2) or ailleurs.group(1))) if ailleurs else (n - 1, n + 12)
            # le titre est sur la ligne citée (« titre ligne N », début d'une plage « lignes A-B ») ; dans la
            # CTG de Dijon, la ligne citée est l'en-tête « Fiche projet n°… », titre abîmé quelques lignes plus bas
            en_tete_dijon = re.search(r"Fiche projet (\w+) \(ligne", fiche.source.section)
            if en_tete_dijon and not re.search(r"en-tête[^.]*manque", fiche.note or ""):
                en_tete = aplatir(" ".join(lignes(fiche.source.fichier)[n - 1:n + 1])).replace("n0", "n")
                if f"ficheprojetn{fiche.numero}" not in en_tete:
                    faux.append(f"{plan.id} {fiche.id} : ligne {n} n'est pas l'en-tête « Fiche projet n°{fiche.numero} »")
            sur = None if (ailleurs or en_tete_dijon) else n
            if not concorde(fiche.titre, fiche.source.fichier, a, b, corr, sur_ligne=sur):
                faux.append(f"{plan.id} {fiche.id} : titre absent des lignes {a}-{b}")
            for ind in fiche.indicateurs:
                m = ligne_citee(ind.source.section)
                c = corr + corrections(ind.note)
                if not concorde(ind.libelle, ind.source.fichier, m - 1, m + 4, c, sur_ligne=m):
                    faux.append(f"{plan.id} {ind.id} : libellé absent des lignes {m}-{m + 4}")
                for v in (ind.reference, ind.cible):
                    if v and v.texte:
                        if not trouve(v.texte, ind.source.fichier, m - 1, m + 3, c):
                            faux.append(f"{plan.id} {ind.id} : « {v.texte} » absent des lignes {m}-{m + 3}")
                    if v and v.valeur is not None and v.valeur not in nombres(
                            " ".join(lignes(ind.source.fichier)[m - 2:m + 3])):
                        faux.append(f"{plan.id} {ind.id} : valeur {v.valeur} absente des lignes {m}-{m + 3}")
    assert not faux, echecs(faux)


def test_plans_corrections_des_notes_a_leur_ligne(plans):
    """« avant » → « après » (ligne N) : « avant » est bien imprimé ligne N."""
    faux = []
    for plan in plans.values():
        for fiche in plan.fiches:
            for m in re.finditer(r"«\s*([^»]+?)\s*»\s*→\s*«[^»]+»\s*(?:\([^)]*?\)\s*)?\(ligne (\d+)\)", fiche.note or ""):
                n = int(m.group(2))
                if not trouve(m.group(1), fiche.source.fichier, n - 1, n + 1):
                    faux.append(f"{plan.id} {fiche.id} : « {m.group(1)} » absent de la ligne {n}")
    assert not faux, echecs(faux)


def objectifs_du_tableau() -> dict[str, tuple[str, str, int]]:
    """Tableau récapitulatif de 004 (lignes 9-30), lu comme il est imprimé : chaque objectif sur la
    ligne de sa première action. {numéro d'action : (numéro d'objectif, libellé, ligne de l'objectif)}."""
    rangement, courant = {}, None
    for n, ligne in enumerate(lignes(GEVREY)[:31], start=1):
        m = re.search(r"Objectif (\d+) : ([^\t]+)", ligne)
        if m:
            courant = (m.group(1), m.group(2).strip(), n)
        for action in re.findall(r"Action (\d+(?:bis)?) :", ligne):
            rangement[action] = courant
    return rangement


def test_gevrey_l_en_tete_de_chaque_fiche_l_emporte_ecarts_notes(plans):
    """Règle du plan Gevrey-Nuits : l'objectif stratégique est celui de l'en-tête de la fiche ; quand
    le tableau récapitulatif range la fiche ailleurs ou nomme l'objectif autrement, la note le dit."""
    plan = plans["ctg-gevrey-nuits-2023-2026"]
    tableau = objectifs_du_tableau()
    texte = lignes(GEVREY)
    faux = []
    for fiche in plan.fiches:
        n = ligne_citee(fiche.source.section)  # ligne du titre « Fiche action N : … »
        entete = next(texte[i - 1] for i in range(n - 1, n - 5, -1) if texte[i - 1].startswith("Objectif"))
        numero, libelle = re.match(r"Objectif (\d+) : (.+)", entete.strip()).groups()
        (objectif,) = fiche.objectifs_strategiques
        if aplatir(objectif) != aplatir(entete):
            faux.append(f"{fiche.id} : objectif « {objectif} » au lieu de l'en-tête « {entete.strip()} »")
        numero_tableau, libelle_tableau, ligne_tableau = tableau[fiche.numero]
        note = aplatir(fiche.note or "")
        if numero_tableau != numero and not (f"objectif{numero_tableau}" in note and "tableau" in note):
            faux.append(f"{fiche.id} : le tableau la range sous l'objectif {numero_tableau} (ligne {ligne_tableau}), "
                        "la note ne le dit pas")
        # même numéro, autre libellé : la note cite ce que le tableau écrit de différent
        citations = [aplatir(c) for c in re.findall(r"«\s*([^»]+?)\s*»", fiche.note or "")]
        if numero_tableau == numero and aplatir(libelle_tableau) != aplatir(libelle) and not any(
                c in aplatir(libelle_tableau) and c not in aplatir(libelle) for c in citations):
            faux.append(f"{fiche.id} : libellé du tableau « {libelle_tableau} » absent de la note")
    assert not faux, echecs(faux)


def test_plans_type_des_indicateurs_selon_la_rubrique(plans):
    """Un indicateur « suivi » est sous « Indicateurs de suivi », un « évaluation » sous « Indicateurs
    d'évaluation » (la rubrique la plus proche au-dessus de sa ligne)."""
    faux = []
    for plan in plans.values():
        for fiche in plan.fiches:
            for ind in fiche.indicateurs:
                m = ligne_citee(ind.source.section)
                texte = lignes(ind.source.fichier)
                rubrique = next((aplatir(texte[i - 1]) for i in range(m, max(m - 60, 0), -1)
                                 if re.match(r"indicateurs?d(?:esuivi|usuivi|evaluation)", aplatir(texte[i - 1]))), None)
                if rubrique is None:
                    continue  # tableau sans rubrique (contrat de ville : « Résultats attendus »)
                attendu = "suivi" if "suivi" in rubrique else "évaluation"
                if ind.type != attendu:
                    faux.append(f"{plan.id} {ind.id} : type « {ind.type} », rubrique « {attendu} » au-dessus de la ligne {m}")
    assert not faux, echecs(faux)


def test_plans_pilotes_partenaires_et_objectifs_dans_la_fiche(plans):
    """Quand la fiche cite ses lignes (« lignes A-B »), son pilote, ses partenaires et ses objectifs y sont."""
    faux = []
    for plan in plans.values():
        for fiche in plan.fiches:
            plage = re.search(r"\(lignes (\d+)-(\d+)", fiche.source.section)
            if not plage:
                continue
            a, b = int(plage.group(1)), int(plage.group(2))
            corr = corrections(fiche.note)
            for quoi, valeur in ([("pilote", fiche.pilote)] if fiche.pilote else []) + [
                    ("partenaire", p) for p in fiche.partenaires] + [
                    ("objectif opérationnel", o) for o in fiche.objectifs_operationnels] + [
                    ("résultat attendu", r) for r in fiche.resultats_attendus]:
                if not concorde(valeur, fiche.source.fichier, a, b, corr):
                    faux.append(f"{plan.id} {fiche.id} : {quoi} « {valeur[:70]} » absent des lignes {a}-{b}")
    assert not faux, echecs(faux)


def test_plans_axes_strategiques_a_leur_ligne(plans):
    faux = []
    for plan in plans.values():
        for axe in plan.axes:
            for sous_axe in axe.axes_strategiques:
                m = re.search(r"\(lignes? (\d+)(?:-(\d+))?", sous_axe.source.section)
                if not m:
                    continue
                a, b = int(m.group(1)), int(m.group(2) or m.group(1))
                if not concorde(sous_axe.titre, sous_axe.source.fichier, a - 1, b + 2, corrections(sous_axe.source.section)):
                    faux.append(f"{plan.id} {sous_axe.id} : « {sous_axe.titre[:70]} » absent des lignes {a}-{b}")
    assert not faux, echecs(faux)
