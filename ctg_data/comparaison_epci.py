"""Comparer les intercommunalités (EPCI) du département : le regard de la Caf (ticket 14, point 5).

    .venv/bin/python -m ctg_data.comparaison_epci [--reference CHEMIN] [--sortie CHEMIN]

Construction (une ligne de progression par étape) : lit dans le dossier de référence (jamais copié dans le
projet ; ``config.dossier_reference()``) la composition communale des EPCI au 1er janvier 2020
(``geo/epci_communes_2020_cotedor.csv`` : noms des EPCI, nombre de communes), les fichiers INSEE Filosofi
des EPCI, du département, de la région et de la France métropolitaine (2016–2019) et les fichiers des
jeunes non insérés (EPCI, département, région), puis écrit dans ``data/territoires/donnees/epci_cote_dor/`` :

- ``comparaison.csv`` : une ligne par zone (chaque EPCI, et les repères département, région, France
  métropolitaine), indicateur et année ; valeur lue telle quelle dans le fichier, statut et raison quand
  elle manque (jamais 0), source en mots et détail (fichier, ligne, colonne) ;
- ``manifeste.json`` : sources en mots, fichiers lus (origine, empreinte SHA-256), licence, date de
  construction, couverture (nombre d'EPCI avec une valeur, par indicateur et année), choix faits.

Règles : aucun nombre n'est estimé, arrondi ni complété ; aucune médiane ni aucun décile n'est calculé à
partir des communes (chaque valeur d'un EPCI est lue dans le fichier des EPCI) ; les fichiers EPCI 2014 et
2015 (géographie d'avant les fusions du 1er janvier 2017) sont écartés, et le manifeste le dit.

Vue (pour la page « Comparer les territoires », sans Streamlit) : ``vue(df, indicateur, annee, code)``
donne le tableau des EPCI classés avec les repères, le tableau à télécharger et le graphique (Altair).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from . import build_social as bs
from . import build_territoires as bt
from . import config
from . import format as fmt
from .erreurs import ErreurDonnees, Probleme

DOSSIER_SORTIE = Path("territoires") / "donnees" / "epci_cote_dor"  # sous data/
FICHIER_TABLE = "comparaison.csv"
FICHIER_MANIFESTE = "manifeste.json"

ANNEES_FILOSOFI = (2016, 2017, 2018, 2019)
ANNEES_ECARTEES = (2014, 2015)
NOTE_ANNEES_ECARTEES = (
    "Années 2014 et 2015 écartées : les fichiers Filosofi des EPCI de ces années suivent la géographie d'avant "
    "les fusions du 1er janvier 2017 (11 des 19 numéros SIREN actuels seulement, sur des périmètres différents) ; "
    "les comparer aux EPCI de 2020 induirait en erreur (socio/SOURCES.md, section 8).")
NOTE_COMMUNES = (
    "Nombre de communes de l'EPCI situées dans le département, d'après la composition communale au 1er janvier "
    "2020 (limitée au département) ; un EPCI qui s'étend sur un département voisin en compte davantage, et ses "
    "valeurs Filosofi portent sur tout son périmètre.")
LICENCE = "Licence Ouverte (Etalab) — à vérifier, voir SOURCES.md"

# Fichiers Filosofi lus : ceux des entrées filosofi_epci, filosofi_departement, filosofi_region et
# filosofi_france de social_sources.yaml (build_territoires.SOURCES_FILOSOFI). Jeunes non insérés (sous socio/) :
NEET = {
    "EPCI": "commune/jeunes_non_inseres_epci_cotedor.csv",
    "département": "commune/jeunes_non_inseres_dep_cotedor.csv",
    "région": "commune/jeunes_non_inseres_region_bourgogne_franche_comte.csv",
}
SOURCE_NEET = ("Jeunes non insérés (NEET 16–25 ans) {annee}, d'après le recensement de l'INSEE, {niveau} ; "
               "producteur non documenté")
NIVEAUX = {"EPCI": "EPCI", "département": "département", "région": "région",
           "France métropolitaine": "France métropolitaine"}
TYPES_REPERES = ("département", "région", "France métropolitaine")
CODE_FRANCE = "FRMETRO"  # comme data/social.csv (le fichier écrit CODGEO = 1)


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str
    unite: str  # « » : rapport sans unité
    colonne: str  # gabarit de colonne Filosofi ({aa}) ; vide pour les jeunes non insérés
    definition: str


# Indicateurs comparés, dans cet ordre. Libellé, définition et unité : ctg_data/social_indicateurs.yaml (seul
# endroit où un indicateur est défini) ; colonne Filosofi : build_territoires.COLONNES_FILOSOFI.
CODES = ["niveau_vie_median", "niveau_vie_d1", "niveau_vie_d9", "rapport_interdecile", "part_prestations_sociales",
         "part_prestations_familiales", "part_minima_sociaux", "part_prestations_logement", "menages_fiscaux",
         "personnes_menages_fiscaux", "part_jeunes_non_inseres"]


def unite_affichee(definition: dict) -> str:
    """L'unité du dictionnaire, précisée comme sur les autres pages (``chiffres._unite_ouverte``) :
    « € par an » quand la définition dit « par an »."""
    from .chiffres import _unite_ouverte

    return _unite_ouverte(definition["unite"], definition["definition"])


def indicateurs(dictionnaire: bs.Dictionnaire | None = None) -> list[Indicateur]:
    """Les indicateurs comparés, tels que les définit ``social_indicateurs.yaml``."""
    defs = bt.definitions(dictionnaire or bs.charger_indicateurs(), CODES)
    return [Indicateur(c, d["libelle"], unite_affichee(d), bt.COLONNES_FILOSOFI.get(c, ""),
                       " ".join(d["definition"].split())) for c, d in defs.items()]


INDICATEURS = indicateurs()
PAR_CODE = {i.code: i for i in INDICATEURS}

COLONNES = ["type_zone", "code_zone", "nom_zone", "communes", "indicateur", "libelle", "unite", "annee", "valeur",
            "statut", "raison", "source", "source_detail"]
ABSENTE = "absente du fichier"
SANS_FICHIER = "aucun fichier pour ce niveau"
RAISON_SANS_FICHIER = ("les données de référence n'ont pas de fichier des jeunes non insérés pour la France "
                       "métropolitaine : aucune valeur, rien n'est estimé")


def _rien(_message: str) -> None:
    pass


# --- Construction ----------------------------------------------------------------------------------


def _composition(reference: Path) -> tuple[dict[str, str], dict[str, int]]:
    """SIREN -> nom 2020, SIREN -> nombre de communes (dans le département)."""
    table = bt.lire_composition(reference)
    noms = dict(table.drop_duplicates("EPCI").set_index("EPCI")["LIBEPCI"])
    communes = {k: int(v) for k, v in table.groupby("EPCI").size().items()}
    return noms, communes


class _Lignes:
    def __init__(self):
        self.lignes: list[dict] = []
        self.cles: set[tuple] = set()

    def ajouter(self, type_zone, code, nom, communes, ind: Indicateur, annee, valeur, statut, raison, source, detail):
        cle = (type_zone, code, ind.code, int(annee))
        if cle in self.cles:
            raise ErreurDonnees(FICHIER_TABLE, [Probleme(f"valeur en double : {cle}")])
        self.cles.add(cle)
        self.lignes.append({"type_zone": type_zone, "code_zone": code, "nom_zone": nom, "communes": communes,
                            "indicateur": ind.code, "libelle": ind.libelle, "unite": ind.unite, "annee": int(annee),
                            "valeur": valeur, "statut": statut, "raison": raison, "source": source,
                            "source_detail": detail})


def _lire_filosofi(lecture: bt.Lecture, declaration: bs.Declaration, annee: int, noms: dict, communes: dict,
                   sortie: _Lignes, lus: list) -> None:
    """Les fichiers Filosofi d'une année (EPCI, département, région, France) : ceux des entrées de
    social_sources.yaml, lus par ``build_territoires.lire_fichier_filosofi`` (la même lecture que pour le
    dossier d'un territoire)."""
    indicateurs = [i for i in INDICATEURS if i.colonne]
    for type_zone, id_source in bt.SOURCES_FILOSOFI.items():
        if type_zone == "commune":
            continue
        entree = declaration.source(id_source)
        reglages = dict(bs.annees(entree, "annees"))
        if annee not in reglages:
            raise ErreurDonnees(bs.FICHIER_SOURCES.name, [Probleme(
                f"source « {id_source} » : année {annee} non déclarée, la comparaison en a besoin")])
        if type_zone == "EPCI":
            lu = bt.lire_fichier_filosofi(lecture, reglages[annee], annee, set(noms), [i.code for i in indicateurs])
            zones = [(siren, noms[siren], communes[siren], siren) for siren in sorted(noms)]
        else:
            z = entree["zone"]
            code_fichier = str(z.get("code_fichier", z["code"]))
            lu = bt.lire_fichier_filosofi(lecture, reglages[annee], annee, {code_fichier}, [i.code for i in indicateurs])
            if len(lu.codes_du_fichier) != 1:  # un fichier d'un seul territoire
                raise ErreurDonnees(lu.fichier.nom, [Probleme(
                    f"un seul territoire attendu, {len(lu.codes_du_fichier)} trouvés", colonne=lu.colonne_code)])
            zones = [(str(z["code"]), z["nom"], None, code_fichier)]
        f, col_code, col_nom = lu.fichier, lu.colonne_code, lu.colonne_nom
        lus.append(f.nom)
        for code, nom, n_communes, code_fichier in zones:
            for ind in indicateurs:
                colonne = lu.colonnes[ind.code]
                if code_fichier not in lu.trouvees:
                    sortie.ajouter(type_zone, code, nom, n_communes, ind, annee, None, ABSENTE,
                                   "ce territoire n'a aucune ligne dans le fichier de cette année", lu.source,
                                   f"{f.nom} : aucune ligne {col_code} = {code_fichier}")
                    continue
                numero, ligne = lu.trouvees[code_fichier]
                valeur, statut = lu.cellules[code_fichier][ind.code]
                raison = "" if statut == bs.PUBLIEE else f"cellule vide ou codée dans le fichier de l'INSEE ({statut})"
                if statut == bs.PUBLIEE and type_zone == "EPCI" and col_nom and ligne[col_nom] != nom:
                    raison = f"nom dans le fichier : « {ligne[col_nom]} »"
                sortie.ajouter(type_zone, code, nom, n_communes, ind, annee, valeur, statut, raison, lu.source,
                               f"{f.nom}, ligne {numero} ({col_code} = {ligne[col_code]}), colonne {colonne}")


def _lire_neet(reference: Path, noms: dict, communes: dict, sortie: _Lignes, lus: list) -> list[int]:
    ind = PAR_CODE["part_jeunes_non_inseres"]
    tables: dict[str, bs.Fichier] = {}
    for type_zone, relatif in NEET.items():
        f = bs.Fichier(reference, relatif)
        f.exiger(["codgeo", "libgeo", "an", "part_non_inseres"])
        tables[type_zone] = f
        lus.append(f"socio/{relatif}")
    epci = tables["EPCI"]
    annees = sorted({int(a) for a in epci.table["an"] if a.isdigit()})
    for type_zone, f in tables.items():
        if type_zone == "EPCI":
            zones = [(s, noms[s], communes[s], s) for s in sorted(noms)]
        else:
            codes = sorted(set(f.table["codgeo"]))
            if len(codes) != 1:
                raise ErreurDonnees(f.nom, [Probleme(f"un seul territoire attendu, {len(codes)} trouvés")])
            nom = f.table["libgeo"].iloc[0]
            zones = [(codes[0], nom, None, codes[0])]
        index = {}
        for i, ligne in f.table.iterrows():
            cle = (ligne["codgeo"], ligne["an"])
            if cle in index:
                raise ErreurDonnees(f.nom, [Probleme(f"année {ligne['an']} en double pour {ligne['codgeo']}",
                                                     ligne=int(i) + 2)])
            index[cle] = (int(i) + 2, ligne)
        problemes: list[Probleme] = []
        for code, nom, n_communes, code_fichier in zones:
            for annee in annees:
                source = SOURCE_NEET.format(annee=annee, niveau=NIVEAUX[type_zone])
                trouvee = index.get((code_fichier, str(annee)))
                if trouvee is None:
                    sortie.ajouter(type_zone, code, nom, n_communes, ind, annee, None, ABSENTE,
                                   "territoire ou année absent du fichier ; raison non documentée", source,
                                   f"{f.nom} : aucune ligne codgeo = {code_fichier} et an = {annee}")
                    continue
                numero, ligne = trouvee
                valeur, statut = bs.lire_cellule(f, ligne, numero, "part_non_inseres", problemes, bt.CODES_MANQUANTS)
                raison = "" if statut == bs.PUBLIEE else f"cellule vide ou codée dans le fichier ({statut})"
                if valeur == 0:
                    raison = bt.NOTE_ZERO_NEET
                sortie.ajouter(type_zone, code, nom, n_communes, ind, annee, valeur, statut, raison, source,
                               f"{f.nom}, ligne {numero} (codgeo = {code_fichier}, an = {annee}), "
                               f"colonne part_non_inseres")
        if problemes:
            raise ErreurDonnees(f.nom, problemes)
    # Pas de fichier pour la France métropolitaine : la ligne existe, vide, avec sa raison.
    france = [r for r in sortie.lignes if r["type_zone"] == "France métropolitaine"]
    if france:
        for annee in annees:
            sortie.ajouter("France métropolitaine", france[0]["code_zone"], france[0]["nom_zone"], None, ind, annee,
                           None, SANS_FICHIER, RAISON_SANS_FICHIER,
                           SOURCE_NEET.format(annee=annee, niveau=NIVEAUX["France métropolitaine"]),
                           "aucun fichier des jeunes non insérés pour la France métropolitaine dans socio/commune/")
    return annees


def couverture(df: pd.DataFrame) -> list[dict]:
    """Par indicateur et année : nombre d'EPCI avec une valeur, sur le nombre d'EPCI."""
    epci = df[df["type_zone"] == "EPCI"]
    resultat = []
    for (ind, annee), g in epci.groupby(["indicateur", "annee"], sort=False):
        resultat.append({"indicateur": ind, "annee": int(annee), "epci_avec_valeur": int(g["valeur"].notna().sum()),
                         "epci": int(g["code_zone"].nunique()),
                         "sans_valeur": {s: int(n) for s, n in g[g["valeur"].isna()]["statut"].value_counts().items()}})
    return resultat


def construire(reference: Path | None = None, sortie: Path | None = None,
               progression: Callable[[str], None] = print) -> dict:
    """Construit ``comparaison.csv`` et ``manifeste.json`` ; rend le manifeste."""
    reference = Path(reference or config.dossier_reference())
    sortie = Path(sortie or config.dossier_donnees() / DOSSIER_SORTIE)
    progression(f"1/5 Composition communale des EPCI (2020) lue dans {reference / bt.FICHIER_COMPOSITION}")
    noms, communes = _composition(reference)
    lignes, lus = _Lignes(), [bt.FICHIER_COMPOSITION]
    progression(f"   {len(noms)} EPCI, {sum(communes.values())} communes")
    progression(f"2/5 INSEE Filosofi {ANNEES_FILOSOFI[0]}–{ANNEES_FILOSOFI[-1]} : EPCI, département, région, "
                f"France métropolitaine (2014 et 2015 écartées : géographie d'avant 2017)")
    lecture, declaration = bt.Lecture(reference), bs.charger_declaration()
    for annee in ANNEES_FILOSOFI:
        _lire_filosofi(lecture, declaration, annee, noms, communes, lignes, lus)
    progression("3/5 Jeunes non insérés : EPCI, département, région")
    annees_neet = _lire_neet(reference, noms, communes, lignes, lus)
    df = pd.DataFrame(lignes.lignes, columns=COLONNES)
    df["communes"] = df["communes"].astype("Int64")
    ordre = {i.code: n for n, i in enumerate(INDICATEURS)}
    types = {t: n for n, t in enumerate(["EPCI", *TYPES_REPERES])}
    df = df.sort_values(["indicateur", "annee", "type_zone", "code_zone"],
                        key=lambda s: s.map(ordre) if s.name == "indicateur" else
                        (s.map(types) if s.name == "type_zone" else s)).reset_index(drop=True)
    progression(f"4/5 Écriture de {sortie / FICHIER_TABLE}")
    sortie.mkdir(parents=True, exist_ok=True)
    tampon = io.StringIO()
    df.to_csv(tampon, index=False, float_format="%.10g", lineterminator="\n")
    (sortie / FICHIER_TABLE).write_text(tampon.getvalue(), encoding="utf-8")
    cov = couverture(df)
    fichiers = []
    for relatif in dict.fromkeys(lus):
        chemin = reference / relatif
        origine = bt._origine(relatif)
        origine.pop("_serie", None)
        fichiers.append({"fichier": relatif, "sha256": hashlib.sha256(chemin.read_bytes()).hexdigest(), **origine})
    manifeste = {
        "titre": "Comparaison des EPCI du département, avec le département, la région et la France métropolitaine",
        "construit_le": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "construit_par": "python -m ctg_data.comparaison_epci (ctg_data/comparaison_epci.py)",
        "sources": bt.sources_en_mots(list(dict.fromkeys(lus))),
        "licence": LICENCE,
        "epci": len(noms),
        "annees": {"filosofi": list(ANNEES_FILOSOFI), "jeunes_non_inseres": annees_neet},
        "choix": [NOTE_ANNEES_ECARTEES, NOTE_COMMUNES,
                  "Chaque valeur est lue telle quelle dans le fichier de son niveau (EPCI, département, région, "
                  "France) : aucune médiane ni aucun décile n'est calculé à partir des communes, rien n'est "
                  "estimé ni complété ; une valeur absente a sa ligne, vide, avec sa raison.",
                  RAISON_SANS_FICHIER[0].upper() + RAISON_SANS_FICHIER[1:] + "."],
        "indicateurs": [{"code": i.code, "libelle": i.libelle, "unite": i.unite, "definition": i.definition,
                         "colonne": i.colonne or "part_non_inseres"} for i in INDICATEURS],
        "couverture": cov,
        "fichiers_lus": fichiers,
        "lignes": len(df),
    }
    texte = json.dumps(manifeste, ensure_ascii=False, indent=1) + "\n"
    (sortie / FICHIER_MANIFESTE).write_text(texte, encoding="utf-8")
    progression(f"5/5 Manifeste écrit : {sortie / FICHIER_MANIFESTE} ({len(df)} lignes, "
                f"{(sortie / FICHIER_TABLE).stat().st_size / 1024:.1f} Ko + "
                f"{(sortie / FICHIER_MANIFESTE).stat().st_size / 1024:.1f} Ko)")
    return manifeste


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ctg_data.comparaison_epci",
                                description="Comparaison des EPCI du département (INSEE Filosofi, jeunes non insérés).")
    p.add_argument("--reference", type=Path, help="dossier des données ouvertes brutes (défaut : CTG_REFERENCE_DIR "
                                                  "ou ../shared/reference)")
    p.add_argument("--sortie", type=Path, help="dossier de sortie (défaut : data/territoires/donnees/epci_cote_dor)")
    args = p.parse_args(argv)
    try:
        construire(args.reference, args.sortie)
    except ErreurDonnees as e:
        print(e.message(), file=sys.stderr)
        return 1
    return 0


# --- Lecture et vue (page « Comparer les territoires ») ---------------------------------------------


def charger(dossier: Path | None = None) -> pd.DataFrame:
    """``comparaison.csv`` tel qu'écrit par la construction (codes en texte, valeurs en nombres)."""
    chemin = Path(dossier or config.dossier_donnees() / DOSSIER_SORTIE) / FICHIER_TABLE
    df = pd.read_csv(chemin, dtype={"code_zone": str, "type_zone": str, "nom_zone": str, "indicateur": str,
                                    "libelle": str, "unite": str, "statut": str, "raison": str, "source": str,
                                    "source_detail": str}, keep_default_na=False, na_values={"valeur": [""],
                                                                                               "communes": [""]})
    df["communes"] = df["communes"].astype("Int64")
    df["valeur"] = pd.to_numeric(df["valeur"], errors="raise")
    return df


def charger_manifeste(dossier: Path | None = None) -> dict:
    chemin = Path(dossier or config.dossier_donnees() / DOSSIER_SORTIE) / FICHIER_MANIFESTE
    return json.loads(chemin.read_text(encoding="utf-8"))


def indicateurs_disponibles(df: pd.DataFrame) -> list[str]:
    """Codes des indicateurs qui ont au moins une valeur d'EPCI, dans l'ordre de ``INDICATEURS``."""
    avec = set(df[(df["type_zone"] == "EPCI") & df["valeur"].notna()]["indicateur"])
    return [i.code for i in INDICATEURS if i.code in avec]


def annees_disponibles(df: pd.DataFrame, indicateur: str) -> list[int]:
    """Années où au moins un EPCI a une valeur pour cet indicateur (la plus récente d'abord)."""
    g = df[(df["type_zone"] == "EPCI") & (df["indicateur"] == indicateur) & df["valeur"].notna()]
    return sorted({int(a) for a in g["annee"]}, reverse=True)


NATURES = {"département": "repère : département", "région": "repère : région",
           "France métropolitaine": "repère national"}
MARQUE_PLAN = " (territoire du plan suivi)"
COULEUR_EPCI, COULEUR_PLAN = "#5b7fa6", "#b3541e"
COULEURS_REPERES = {"département": "#1b1b1b", "France métropolitaine": "#6a3d9a"}
NOMS_COULEURS = {COULEUR_EPCI: "bleues", COULEUR_PLAN: "orange", "#1b1b1b": "noirs", "#6a3d9a": "violets"}


LARGEUR_LIBELLE = 30  # caractères par ligne d'un nom dans le graphique (lisible sur un téléphone)
UNITES_COURTES = {"€ par an": "€", "ménages": "", "personnes": ""}  # dans les cases : l'en-tête dit l'unité


def valeur_courte(v, unite: str) -> str:
    """« 27 830 € », « 8,4 % », « 109 551 » : la valeur dans une case ou au bout d'une barre."""
    return valeur_lisible(v, UNITES_COURTES.get(unite, unite))


def valeur_lisible(v, unite: str) -> str:
    if v is None or pd.isna(v):
        return ""
    return fmt.valeur(v, unite or None)


@dataclass
class Vue:
    indicateur: Indicateur
    annee: int
    lignes: pd.DataFrame  # EPCI classés puis repères, colonnes techniques + rang
    mis_en_avant: str | None  # nom de l'EPCI du plan suivi, s'il est dans le tableau

    @property
    def epci(self) -> pd.DataFrame:
        return self.lignes[self.lignes["type_zone"] == "EPCI"]

    @property
    def reperes(self) -> pd.DataFrame:
        return self.lignes[self.lignes["type_zone"] != "EPCI"]

    @property
    def titre_valeur(self) -> str:
        return f"{self.indicateur.libelle} ({self.indicateur.unite})" if self.indicateur.unite else self.indicateur.libelle

    def nom_affiche(self, ligne) -> str:
        if ligne["type_zone"] != "EPCI":
            return f"{ligne['nom_zone']} ({NATURES[ligne['type_zone']]})"
        return ligne["nom_zone"] + (MARQUE_PLAN if ligne["code_zone"] == self._code else "")

    _code: str | None = None

    def tableau(self) -> pd.DataFrame:
        """Tableau affiché : nom et valeur d'abord (lisibles sur un téléphone), nombres à la française."""
        u = self.indicateur.unite
        return pd.DataFrame({
            "Territoire": [self.nom_affiche(r) for _, r in self.lignes.iterrows()],
            "Valeur": [valeur_courte(v, u) or "non disponible" for v in self.lignes["valeur"]],
            "Rang": ["repère" if t != "EPCI" else ("" if pd.isna(r) else str(int(r)))
                     for t, r in zip(self.lignes["type_zone"], self.lignes["rang"])],
            "Communes": ["" if pd.isna(c) else fmt.nombre(c) for c in self.lignes["communes"]],
            "Remarque": [r if s != bs.PUBLIEE else "" for s, r in zip(self.lignes["statut"], self.lignes["raison"])],
        })

    def telechargement(self) -> pd.DataFrame:
        """Tableau à télécharger (nombres en nombres ; en-têtes en français ; détail en dernière colonne)."""
        df = self.lignes
        return pd.DataFrame({
            "Territoire": [self.nom_affiche(r) for _, r in df.iterrows()],
            "Nature": ["intercommunalité (EPCI)" if t == "EPCI" else NATURES[t] for t in df["type_zone"]],
            "Code officiel": [c if c != CODE_FRANCE else "" for c in df["code_zone"]],
            "Indicateur": df["libelle"],
            "Année": df["annee"].astype(int),
            "Valeur": df["valeur"].astype(float),
            "Unité": df["unite"],
            "Rang (1 = valeur la plus élevée)": df["rang"].astype("Int64"),
            "Communes dans le département": df["communes"].astype("Int64"),
            "Statut": df["statut"],
            "Raison": df["raison"],
            "Source": df["source"],
            "source_detail": df["source_detail"],
        }).reset_index(drop=True)

    def legende(self) -> str:
        """La légende du graphique en mots (couleurs et repères avec leur valeur), écrite sous le graphique."""
        u = self.indicateur.unite
        morceaux = [f"Barres {NOMS_COULEURS[COULEUR_EPCI]} : les intercommunalités (EPCI)"]
        if self.mis_en_avant:
            morceaux.append(f"barre {NOMS_COULEURS[COULEUR_PLAN]} : {self.mis_en_avant}, territoire du plan suivi")
        for _, r in self.reperes.iterrows():
            if r["type_zone"] in COULEURS_REPERES and pd.notna(r["valeur"]):
                morceaux.append(f"pointillés {NOMS_COULEURS[COULEURS_REPERES[r['type_zone']]]} : {r['nom_zone']} "
                                f"({valeur_lisible(r['valeur'], u)})")
            elif r["type_zone"] in COULEURS_REPERES:
                morceaux.append(f"pas de ligne pour {r['nom_zone']} : aucune valeur cette année-là")
        return " ; ".join(morceaux) + "."

    def sources(self) -> list[str]:
        return list(dict.fromkeys(self.lignes["source"]))

    def details(self) -> list[str]:
        return list(dict.fromkeys(self.lignes["source_detail"]))

    def phrase(self) -> str:
        """Une phrase sur ce que montrent le graphique et le tableau."""
        n, avec = len(self.epci), int(self.epci["valeur"].notna().sum())
        texte = (f"{self.indicateur.libelle} en {self.annee} : {avec} EPCI sur {n} ont une valeur publiée, "
                 f"classés de la plus élevée à la plus faible.")
        if self.mis_en_avant:
            ligne = self.epci[self.epci["code_zone"] == self._code].iloc[0]
            if pd.notna(ligne["rang"]):
                texte += (f" {self.mis_en_avant}, territoire du plan suivi : "
                          f"{valeur_lisible(ligne['valeur'], self.indicateur.unite)}, "
                          f"{int(ligne['rang'])}e sur {avec}.")
        return texte

    def graphique(self):
        """Barres horizontales (un EPCI par barre, noms entiers sur plusieurs lignes : labelLimit=0, rien n'est
        coupé), valeur écrite au bout de la barre, lignes verticales des repères département et France quand
        ils ont une valeur ; locale française."""
        import altair as alt

        from . import couleurs
        from .acteurs import INTERLIGNE, libelle

        u = self.indicateur.unite
        epci = self.epci
        noms = [self.nom_affiche(r) for _, r in epci.iterrows()]
        # Dans le graphique, le territoire du plan suivi se reconnaît à sa couleur (légende) : nom seul.
        libelles = ["\n".join(libelle(n, LARGEUR_LIBELLE)) for n in epci["nom_zone"]]
        pas = max(20, INTERLIGNE * max(len(lb.split("\n")) for lb in libelles) + 8)
        legende_epci = "Intercommunalités (EPCI)"
        legende_plan = "Territoire du plan suivi"
        donnees = pd.DataFrame({
            "Libellé": libelles, "Territoire": noms, "valeur": epci["valeur"].astype(float).tolist(),
            "Valeur": [valeur_lisible(v, u) or "non disponible" for v in epci["valeur"]],
            "Court": [valeur_courte(v, u) or "non disponible" for v in epci["valeur"]],
            "Groupe": [legende_plan if c == self._code else legende_epci for c in epci["code_zone"]],
        })
        reperes = self.reperes[self.reperes["type_zone"].isin(COULEURS_REPERES) & self.reperes["valeur"].notna()]
        noms_reperes = [f"{r['nom_zone']} : {valeur_lisible(r['valeur'], u)}" for _, r in reperes.iterrows()]
        lignes = pd.DataFrame({"Repère": noms_reperes, "valeur": reperes["valeur"].astype(float).tolist(),
                               "Valeur": [valeur_lisible(v, u) for v in reperes["valeur"]]})
        domaine = [legende_epci] + ([legende_plan] if self._code in set(epci["code_zone"]) else [])
        teintes = [COULEUR_EPCI] + ([COULEUR_PLAN] if len(domaine) > 1 else [])
        domaine += noms_reperes
        teintes += [COULEURS_REPERES[t] for t in reperes["type_zone"]]
        echelle = alt.Scale(domain=domaine, range=teintes)
        titre_x = f"Valeur ({u})" if u else "Valeur"  # court : lisible sur un téléphone (le titre est au-dessus)
        axe_y = alt.Y("Libellé:N", sort=libelles, scale=alt.Scale(domain=libelles, paddingInner=0.3), title=None,
                      axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')", labelLineHeight=INTERLIGNE,
                                    labelPadding=6, ticks=False, labelColor=couleurs.CONTOUR,
                                    labelOffset={"expr": f"-(length(split(datum.value, '\\n')) - 1) * {INTERLIGNE / 2}"}))
        axe_x = alt.X("valeur:Q", title=titre_x, axis=alt.Axis(labelLimit=0, tickCount=4, labelColor=couleurs.CONTOUR,
                                                                titleColor=couleurs.CONTOUR))
        calques = []
        if not lignes.empty:  # sous les barres
            calques.append(alt.Chart(lignes).mark_rule(strokeDash=[6, 4], strokeWidth=2).encode(
                x=axe_x, color=alt.Color("Repère:N", scale=echelle, title=None, legend=None),
                tooltip=[alt.Tooltip("Repère:N", title="Repère"), alt.Tooltip("Valeur:N", title="Valeur")]))
        calques.append(alt.Chart(donnees).mark_bar().encode(
            y=axe_y, x=axe_x,
            # Pas de légende dans le graphique (coupée sur un téléphone) : elle est écrite dessous (``legende``).
            color=alt.Color("Groupe:N", scale=echelle, title=None, legend=None),
            tooltip=[alt.Tooltip("Territoire:N", title="Territoire"), alt.Tooltip("Valeur:N", title="Valeur")]))
        calques.append(alt.Chart(donnees).mark_text(align="left", dx=3, color=couleurs.CONTOUR).encode(
            y=axe_y, x=axe_x, text=alt.Text("Court:N"),
            tooltip=[alt.Tooltip("Territoire:N", title="Territoire"), alt.Tooltip("Valeur:N", title="Valeur")]))
        return (alt.layer(*calques).properties(height=alt.Step(pas))
                .configure(locale=fmt.locale_vega()).configure_view(stroke=None))


def vue(df: pd.DataFrame, indicateur: str, annee: int, code_mis_en_avant: str | None = None) -> Vue:
    """Les EPCI classés (valeur la plus élevée d'abord, rang 1 ; sans valeur : en bas, sans rang) puis les
    repères département, région, France métropolitaine."""
    ind = PAR_CODE[indicateur]
    g = df[(df["indicateur"] == indicateur) & (df["annee"] == int(annee))].copy()
    epci = g[g["type_zone"] == "EPCI"].copy()
    epci["rang"] = epci["valeur"].rank(ascending=False, method="min")
    epci = epci.sort_values(["valeur", "nom_zone"], ascending=[False, True], na_position="last")
    reperes = g[g["type_zone"] != "EPCI"].copy()
    reperes["rang"] = float("nan")
    reperes = reperes.sort_values("type_zone", key=lambda s: s.map({t: n for n, t in enumerate(TYPES_REPERES)}))
    lignes = pd.concat([epci, reperes], ignore_index=True)
    mis_en_avant = None
    if code_mis_en_avant and code_mis_en_avant in set(epci["code_zone"]):
        mis_en_avant = epci[epci["code_zone"] == code_mis_en_avant]["nom_zone"].iloc[0]
    v = Vue(ind, int(annee), lignes, mis_en_avant)
    v._code = code_mis_en_avant if mis_en_avant else None
    return v


if __name__ == "__main__":
    sys.exit(main())
