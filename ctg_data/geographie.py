"""Géographie : chargement validé des contours (IRIS, quartiers, QPV) et rattachement d'un point."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import config
from .catalogue import lire_catalogue
from .erreurs import ErreurDonnees, Probleme
from .schemas import PROPRIETES_GEO

TYPES_ADMIS = {"Polygon", "MultiPolygon"}


def charger_geo(id_jeu: str, dossier: Path | None = None) -> gpd.GeoDataFrame:
    """Un fichier GeoJSON de ``data/`` : propriétés obligatoires présentes, polygones valides, WGS84."""
    dossier = dossier or config.dossier_donnees()
    jeu = lire_catalogue(dossier)[id_jeu]
    chemin = dossier / jeu.fichier
    if not chemin.exists():
        raise ErreurDonnees(jeu.fichier, [Probleme(f"fichier introuvable ({chemin}) ; lancez la construction")])
    try:
        contenu = json.loads(chemin.read_text(encoding="utf-8"))
        entites = contenu["features"]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise ErreurDonnees(jeu.fichier, [Probleme(f"GeoJSON illisible ({e.__class__.__name__})")]) from None
    problemes = []
    for i, entite in enumerate(entites, start=1):
        proprietes = entite.get("properties") or {}
        for nom in PROPRIETES_GEO[jeu.nom_schema]:
            if proprietes.get(nom) in (None, ""):
                problemes.append(Probleme(f"entité n° {i} : propriété obligatoire absente", colonne=nom))
        if (entite.get("geometry") or {}).get("type") not in TYPES_ADMIS:
            problemes.append(Probleme(f"entité n° {i} : géométrie absente ou qui n'est pas un polygone"))
    if not entites:
        problemes.append(Probleme("aucune entité"))
    if problemes:
        raise ErreurDonnees(jeu.fichier, problemes)
    gdf = gpd.GeoDataFrame.from_features(entites, crs="EPSG:4326")
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    gdf.attrs["metadata"] = contenu.get("metadata", {})
    return gdf


def quartier_du_point(lon: float, lat: float, iris: gpd.GeoDataFrame, rattachement: pd.DataFrame) -> tuple[str | None, str | None]:
    """(code IRIS, quartier) du point, ou (None, None) s'il est hors de Dijon."""
    point = shapely.Point(lon, lat)
    dedans = iris[iris.geometry.contains(point)]
    if dedans.empty:
        return None, None
    code = dedans["code_iris"].iloc[0]
    quartier = rattachement.loc[rattachement["code_iris"] == code, "quartier"]
    return code, (quartier.iloc[0] if not quartier.empty else None)


def quartier_contenant(lon: float, lat: float, quartiers_geo: gpd.GeoDataFrame) -> str | None:
    """Nom du quartier (contour reconstitué) qui contient le point, ou None."""
    dedans = quartiers_geo[quartiers_geo.geometry.contains(shapely.Point(lon, lat))]
    return None if dedans.empty else dedans["nom"].iloc[0]


def commune_contenant(lon: float, lat: float, communes: gpd.GeoDataFrame) -> str | None:
    """Code INSEE de la commune (contours des données dérivées d'un territoire, propriété ``code``) qui
    contient le point (un clic sur la carte), ou None hors du territoire."""
    dedans = communes[communes.geometry.contains(shapely.Point(float(lon), float(lat)))]
    return None if dedans.empty else str(dedans["code"].iloc[0])


def emprise(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    """[[sud, ouest], [nord, est]] pour Leaflet."""
    ouest, sud, est, nord = gdf.total_bounds
    return [[float(sud), float(ouest)], [float(nord), float(est)]]
