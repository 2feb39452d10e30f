"""Position et quartier de chaque équipement, en un seul endroit, avec leur origine.

Ordre de priorité, du plus fort au plus faible :

1. une **correction** saisie par un éditeur (position et/ou quartier, avec auteur, date et motif) ;
2. le **géocodage** de l'adresse (cache ``data/geocodage_cache.csv``) : précision « adresse » ou
   « rue » ; le quartier est alors recalculé par la position (IRIS contenant le point) ;
3. un **placement approximatif** dans le quartier, quand le quartier est connu (dit par le document,
   ou décidé par l'équipe avec une raison et une confiance) : précision « quartier (approx.) » ;
4. sinon la position est **inconnue** : l'équipement est listé comme « non localisé ».

Une position approximative n'est jamais présentée comme exacte : sa précision le dit.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Transformer

from .geocodage import cle_adresse
from .geographie import quartier_du_point

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
    corrections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Les équipements avec lat, lon, precision, score, date_position, origine_position, quartier
    (final), origine_quartier, confiance_quartier, raison_quartier, code_iris."""
    corrections = corrections if corrections is not None else pd.DataFrame(columns=COLONNES_CORRECTIONS)
    corrections = corrections.drop_duplicates("id", keep="last").set_index("id")
    trouves = cache[cache["statut"] == "trouvé"].set_index("cle") if not cache.empty else cache
    connus = quartier_connu(equipements, decisions).set_index("id")
    resultat = []
    for _, e in equipements.iterrows():
        ligne = {
            "id": e["id"], "lat": None, "lon": None, "precision": "inconnue", "score": None,
            "date_position": None, "origine_position": None, "code_iris": None,
            **connus.loc[e["id"]].to_dict(),
        }
        correction = corrections.loc[e["id"]] if e["id"] in corrections.index else None
        cle = cle_adresse(e["adresse"], e["code_postal"], e["commune"]) if pd.notna(e["adresse"]) else None
        if correction is not None and pd.notna(correction["lat"]) and pd.notna(correction["lon"]):
            ligne.update(
                lat=float(correction["lat"]), lon=float(correction["lon"]), precision="adresse",
                date_position=correction["date"],
                origine_position=f"corrigée par {correction['auteur']} le {correction['date']} : {correction['motif']}",
            )
        elif cle is not None and cle in trouves.index:
            g = trouves.loc[cle]
            ligne.update(
                lat=float(g["lat"]), lon=float(g["lon"]), precision=g["precision"], score=g["score"],
                date_position=g["date"], origine_position=f"géocodage ({g['source']}) : {g['libelle']}",
            )
        if ligne["lat"] is not None:
            code, quartier = quartier_du_point(ligne["lon"], ligne["lat"], iris, rattachement)
            ligne.update(code_iris=code, quartier=quartier)
            if quartier is not None:
                ligne.update(origine_quartier="position", confiance_quartier="sûr",
                             raison_quartier=f"position dans l'IRIS {code}")
            else:
                ligne.update(origine_quartier="position", confiance_quartier=None,
                             raison_quartier="position hors de la commune de Dijon")
        if correction is not None and pd.notna(correction["quartier"]):
            ligne.update(quartier=correction["quartier"], origine_quartier="correction", confiance_quartier="sûr",
                         raison_quartier=f"corrigé par {correction['auteur']} le {correction['date']} : {correction['motif']}")
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
