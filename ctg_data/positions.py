"""Position et quartier de chaque équipement, en un seul endroit, avec leur origine.

Ordre de priorité, du plus fort au plus faible :

1. une **correction** saisie par un éditeur (position et/ou quartier, avec auteur, date et motif),
   appliquée à l'exécution par ``avec_corrections`` ;
2. le **géocodage** de l'adresse : celui qu'un éditeur a lancé depuis l'application (magasin, table
   ``geocodages``, avec auteur et date ; appliqué à l'exécution par ``avec_geocodages``), sinon celui
   des données livrées (cache ``data/geocodage_cache.csv``, rempli en ligne de commande) : précision
   « adresse » ou « rue » ; le quartier est alors recalculé par la position (IRIS contenant le point) ;
3. un **placement approximatif** dans le quartier, quand le quartier est connu (dit par le document,
   ou décidé par l'équipe avec une raison et une confiance) : précision « quartier (approx.) » ;
4. sinon la position est **inconnue** : l'équipement est listé comme « non localisé ».

Une position approximative n'est jamais présentée comme exacte : sa précision le dit.

Les étapes 2 à 4 sont calculées **une fois**, par l'étape de construction (``positions_livrees``,
fichier ``data/equipements_positions.csv``). L'application lit ce fichier, y applique les géocodages
du magasin puis les corrections des éditeurs (``avec_corrections``) : position, quartier, capacité,
état ouvert/fermé. Elle n'écrit jamais ces fichiers.
Toutes les pages, comptes, exports et diapositives lisent ce seul tableau.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Transformer

from .geocodage import cle_adresse
from .geographie import quartier_du_point
from .vocabulaire import FERME, OUVERT

PRECISIONS = ["adresse", "rue", "quartier (approx.)", "inconnue"]
APPROX = "quartier (approx.)"
COLONNES_CORRECTIONS = ["id", "lat", "lon", "quartier", "auteur", "date", "motif"]

# Placement approximatif : spirale de Fermat autour d'un point intérieur du quartier.
PAS_SPIRALE_M = 110
ANGLE_OR = math.pi * (3 - math.sqrt(5))

_VERS_L93 = Transformer.from_crs(4326, 2154, always_xy=True)
_VERS_WGS = Transformer.from_crs(2154, 4326, always_xy=True)


def placements_approximatifs(quartier: shapely.Geometry, n: int) -> list[tuple[float, float]]:
    """n positions (lon, lat) distinctes et déterministes à l'intérieur du quartier."""
    poly = shapely.transform(quartier, _VERS_L93.transform, interleaved=False)
    centre = poly.representative_point()
    # On commence à k = 3 (≈ 190 m du centre) : le centre est occupé par l'étiquette du quartier.
    positions, k = [], 3
    while len(positions) < n and k < 50 * (n + 1):
        rayon, angle = PAS_SPIRALE_M * math.sqrt(k), k * ANGLE_OR
        point = shapely.Point(centre.x + rayon * math.cos(angle), centre.y + rayon * math.sin(angle))
        if poly.buffer(-40).contains(point):
            positions.append(_VERS_WGS.transform(point.x, point.y))
        k += 1
    return positions


def quartier_connu(equipements: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Quartier de chaque équipement sans position : document d'abord, décision de l'équipe ensuite."""
    decisions = decisions.set_index("id")
    lignes = []
    for _, e in equipements.iterrows():
        if pd.notna(e["quartier"]):
            lignes.append((e["id"], e["quartier"], "document", "sûr", f"indiqué par le document ({e['source_section']})"))
        elif e["id"] in decisions.index:
            d = decisions.loc[e["id"]]
            lignes.append((e["id"], d["quartier"], "équipe", d["confiance"], d["raison"]))
        else:
            lignes.append((e["id"], None, None, None, None))
    return pd.DataFrame(lignes, columns=["id", "quartier", "origine_quartier", "confiance_quartier", "raison_quartier"])


def positions(
    equipements: pd.DataFrame,
    decisions: pd.DataFrame,
    cache: pd.DataFrame,
    iris: gpd.GeoDataFrame,
    rattachement: pd.DataFrame,
    quartiers_geo: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Les équipements des données livrées avec lat, lon, precision, score, date_position,
    origine_position, quartier (final), origine_quartier, confiance_quartier, raison_quartier, code_iris
    (étapes 2 à 4 ; les corrections des éditeurs s'appliquent ensuite : ``avec_corrections``)."""
    trouves = cache[cache["statut"] == "trouvé"].set_index("cle") if not cache.empty else cache
    connus = quartier_connu(equipements, decisions).set_index("id")
    resultat = []
    for _, e in equipements.iterrows():
        ligne = {
            "id": e["id"], "lat": None, "lon": None, "precision": "inconnue", "score": None,
            "date_position": None, "origine_position": None, "code_iris": None,
            **connus.loc[e["id"]].to_dict(),
        }
        cle = cle_adresse(e["adresse"], e["code_postal"], e["commune"]) if pd.notna(e["adresse"]) else None
        if cle is not None and cle in trouves.index:
            g = trouves.loc[cle]
            ligne.update(
                lat=float(g["lat"]), lon=float(g["lon"]), precision=g["precision"], score=g["score"],
                date_position=g["date"], origine_position=f"géocodage ({g['source']}) : {g['libelle']}",
            )
            code, quartier = quartier_du_point(ligne["lon"], ligne["lat"], iris, rattachement)
            ligne.update(code_iris=code, quartier=quartier)
            if quartier is not None:
                ligne.update(origine_quartier="position", confiance_quartier="sûr",
                             raison_quartier=f"position dans l'IRIS {code}")
            else:
                ligne.update(origine_quartier="position", confiance_quartier=None,
                             raison_quartier="position hors des IRIS du territoire")
        resultat.append(ligne)
    df = pd.DataFrame(resultat)
    placer_approximativement(df, quartiers_geo)
    return equipements.drop(columns=["quartier"]).merge(df, on="id")


def placer_approximativement(df: pd.DataFrame, quartiers_geo: gpd.GeoDataFrame) -> None:
    """Donne une position approximative (dans leur quartier) aux équipements sans position."""
    a_placer = df["lat"].isna() & df["quartier"].notna()
    geometries = dict(zip(quartiers_geo["nom"], quartiers_geo.geometry))
    for quartier, groupe in df[a_placer].groupby("quartier"):
        if quartier not in geometries:
            continue
        for index, (lon, lat) in zip(sorted(groupe.index), placements_approximatifs(geometries[quartier], len(groupe))):
            df.loc[index, ["lat", "lon", "precision"]] = [lat, lon, APPROX]
            df.loc[index, "origine_position"] = (
                f"position approximative : placée dans le quartier {quartier}, adresse non géocodée"
            )


COLONNES_POSITIONS = ["id", "lat", "lon", "precision", "score", "date_position", "origine_position", "code_iris",
                      "quartier", "origine_quartier", "confiance_quartier", "raison_quartier"]


def positions_livrees(
    equipements: pd.DataFrame,
    decisions: pd.DataFrame,
    cache: pd.DataFrame,
    iris: gpd.GeoDataFrame,
    rattachement: pd.DataFrame,
    quartiers_geo: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Position et quartier de chaque équipement pour les données livrées (sans corrections) : ce que
    l'étape de construction écrit dans ``data/equipements_positions.csv``."""
    tout = positions(equipements, decisions, cache, iris, rattachement, quartiers_geo)
    df = tout[COLONNES_POSITIONS].copy()
    df[["lat", "lon"]] = df[["lat", "lon"]].astype(float).round(6)
    return df.sort_values("id").reset_index(drop=True)


def avec_geocodages(
    equipements: pd.DataFrame,
    livrees: pd.DataFrame,
    geocodages: pd.DataFrame | None,
    iris: gpd.GeoDataFrame | None,
    rattachement: pd.DataFrame | None,
) -> pd.DataFrame:
    """Les positions livrées (colonnes ``COLONNES_POSITIONS``), où chaque équipement géocodé depuis
    l'application (``Stockage.geocodages_actifs`` : dernier résultat par équipement) prend cette
    position : précision, score, date, « géocodage (source) par auteur le date : libellé », et le
    quartier de l'IRIS qui contient le point. Seuls comptent les résultats « trouvé » qui portent sur
    l'adresse actuelle de l'équipement (une adresse changée dans les données livrées rend l'ancien
    résultat caduc). Les corrections des éditeurs s'appliquent ensuite (``avec_corrections``)."""
    if geocodages is None or geocodages.empty:
        return livrees
    if iris is None or rattachement is None:
        raise ValueError("avec_geocodages demande les IRIS et leur rattachement aux quartiers")
    cles = {
        e["id"]: cle_adresse(e["adresse"], e["code_postal"], e["commune"])
        for e in equipements[equipements["adresse"].notna()].to_dict("records")
    }
    df = livrees.set_index("id")
    colonnes = ["lat", "lon", "precision", "score", "date_position", "origine_position", "code_iris", "quartier",
                "origine_quartier", "confiance_quartier", "raison_quartier"]
    df = df.astype({c: object for c in colonnes})
    for _, g in geocodages.drop_duplicates("id", keep="last").iterrows():
        ident = g["id"]
        if (ident not in df.index or g["statut"] != "trouvé" or pd.isna(g["lat"]) or pd.isna(g["lon"])
                or cles.get(ident) != g["cle"]):
            continue
        lat, lon = float(g["lat"]), float(g["lon"])
        code, quartier = quartier_du_point(lon, lat, iris, rattachement)
        libelle = f" : {g['libelle']}" if pd.notna(g.get("libelle")) and g.get("libelle") else ""
        df.loc[ident, colonnes] = [
            lat, lon, g["precision"], None if pd.isna(g["score"]) else float(g["score"]), g["date"],
            f"géocodage ({g['source']}) par {g['auteur']} le {g['date']}{libelle}", code, quartier, "position",
            "sûr" if quartier is not None else None,
            f"position dans l'IRIS {code}" if quartier is not None else "position hors des IRIS du territoire",
        ]
    df["lat"] = pd.to_numeric(df["lat"])
    df["lon"] = pd.to_numeric(df["lon"])
    df["score"] = pd.to_numeric(df["score"])
    return df.reset_index()


def _texte_correction(c: pd.Series, accord: str = "") -> str:
    return f"corrigé{accord} par {c['auteur']} le {c['date']} : {c['motif']}"


def avec_corrections(
    equipements: pd.DataFrame,
    livrees: pd.DataFrame,
    corrections: pd.DataFrame | None,
    iris: gpd.GeoDataFrame | None = None,
    rattachement: pd.DataFrame | None = None,
    quartiers_geo: gpd.GeoDataFrame | None = None,
    geocodages: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Le tableau unique des équipements : données livrées (``equipements`` + ``livrees``), les
    géocodages du magasin (``geocodages`` = ``Stockage.geocodages_actifs``, voir ``avec_geocodages``),
    puis les corrections en vigueur des éditeurs (``Stockage.corrections_actives``) par-dessus.
    Priorité : correction d'un éditeur > géocodage du magasin > données livrées.

    Colonnes ajoutées : celles de ``COLONNES_POSITIONS`` ; ``quartier_document`` (ce que dit
    l'annexe) ; ``capacite`` (corrigée au besoin) et ``origine_capacite`` ; ``etat`` (ouvert / fermé)
    et ``origine_etat``. Les contours (``iris``, ``rattachement``, ``quartiers_geo``) ne servent qu'aux
    corrections de position ou de quartier et aux géocodages."""
    livrees = avec_geocodages(equipements, livrees, geocodages, iris, rattachement)
    df = equipements.rename(columns={"quartier": "quartier_document"}).merge(livrees, on="id", how="left")
    df["precision"] = df["precision"].fillna("inconnue")
    df["capacite"] = df["capacite"].astype("Int64") if "capacite" in df else pd.array([pd.NA] * len(df), dtype="Int64")
    df["origine_capacite"] = ["document" if pd.notna(c) else None for c in df["capacite"]]
    df["etat"] = OUVERT
    df["origine_etat"] = "liste de la convention"
    if corrections is None or corrections.empty:
        return df
    df = df.set_index("id")
    df["lat"] = df["lat"].astype(object)
    df["lon"] = df["lon"].astype(object)
    a_replacer: list[str] = []
    for _, c in corrections.drop_duplicates("id", keep="last").iterrows():
        ident = c["id"]
        if ident not in df.index:
            continue
        texte, texte_f = _texte_correction(c), _texte_correction(c, "e")
        if pd.notna(c.get("lat")) and pd.notna(c.get("lon")):
            df.loc[ident, ["lat", "lon", "precision", "score", "date_position", "origine_position"]] = [
                float(c["lat"]), float(c["lon"]), "adresse", None, c["date"], f"position {texte_f}"]
            code, quartier = (quartier_du_point(float(c["lon"]), float(c["lat"]), iris, rattachement)
                              if iris is not None and rattachement is not None else (None, None))
            df.loc[ident, ["code_iris", "quartier", "origine_quartier", "confiance_quartier", "raison_quartier"]] = [
                code, quartier, "position", "sûr" if quartier else None,
                f"position dans l'IRIS {code}" if quartier else "position hors du territoire"]
        if pd.notna(c.get("quartier")):
            avant = df.loc[ident, "quartier"]
            df.loc[ident, ["quartier", "origine_quartier", "confiance_quartier", "raison_quartier"]] = [
                c["quartier"], "correction", "sûr", f"quartier {texte}"]
            if df.loc[ident, "precision"] in (APPROX, "inconnue") and avant != c["quartier"]:
                a_replacer.append(ident)
        if pd.notna(c.get("capacite")):
            df.loc[ident, ["capacite", "origine_capacite"]] = [int(c["capacite"]), f"capacité {texte_f}"]
        if pd.notna(c.get("etat")):
            df.loc[ident, ["etat", "origine_etat"]] = [c["etat"], f"état {texte}"]
    if a_replacer and quartiers_geo is not None:
        _replacer(df, a_replacer, quartiers_geo)
    df["lat"] = pd.to_numeric(df["lat"])
    df["lon"] = pd.to_numeric(df["lon"])
    df["capacite"] = df["capacite"].astype("Int64")
    return df.reset_index()


def _replacer(df: pd.DataFrame, identifiants: list[str], quartiers_geo: gpd.GeoDataFrame) -> None:
    """Place approximativement dans leur nouveau quartier des équipements sans position exacte, à la
    suite des places déjà prises (aucun point n'en recouvre un autre)."""
    geometries = dict(zip(quartiers_geo["nom"], quartiers_geo.geometry))
    for quartier in sorted({df.loc[i, "quartier"] for i in identifiants}):
        ids = sorted(i for i in identifiants if df.loc[i, "quartier"] == quartier)
        if quartier not in geometries:
            df.loc[ids, ["lat", "lon", "precision"]] = [None, None, "inconnue"]
            continue
        deja = int(((df["quartier"] == quartier) & (df["precision"] == APPROX) & ~df.index.isin(ids)).sum())
        places = placements_approximatifs(geometries[quartier], deja + len(ids))[deja:]
        for ident, (lon, lat) in zip(ids, places):
            df.loc[ident, ["lat", "lon", "precision", "origine_position"]] = [
                lat, lon, APPROX, f"position approximative : placée dans le quartier {quartier}, adresse non géocodée"]


def est_ferme(df: pd.DataFrame) -> pd.Series:
    return df["etat"] == FERME


FICHIER_POSITIONS = "equipements_positions.csv"


def ecrire_positions_livrees(dossier) -> int:
    """Calcule les positions des données livrées et écrit ``equipements_positions.csv`` dans
    ``dossier`` (étape de construction, et géocodage en ligne de commande ; jamais l'application).
    Renvoie le nombre d'équipements."""
    from pathlib import Path

    from .catalogue import charger
    from .geocodage import FICHIER_CACHE, Cache
    from .geographie import charger_geo

    dossier = Path(dossier)
    df = positions_livrees(
        charger("equipements", dossier), charger("equipements_quartiers", dossier),
        Cache(dossier / FICHIER_CACHE).tableau(), charger_geo("iris", dossier), charger("iris_quartiers", dossier),
        charger_geo("quartiers_geo", dossier),
    )
    temporaire = dossier / (FICHIER_POSITIONS + ".tmp")
    df.to_csv(temporaire, index=False, encoding="utf-8", float_format="%.6f", lineterminator="\n")
    temporaire.replace(dossier / FICHIER_POSITIONS)  # jamais à moitié écrit
    return len(df)
