"""Étape de construction : données ouvertes brutes -> petits fichiers dérivés de ``data/``.

    python3 -m ctg_data.lanceur build          # ou : .venv/bin/python -m ctg_data.build
    python3 -m ctg_data.lanceur build --reference /chemin/vers/reference

Lit le dossier de référence (``CTG_REFERENCE_DIR``, par défaut ``../shared/reference``) et le
rattachement IRIS -> quartier de l'équipe (``data/iris_quartiers.csv``), puis écrit :

- ``data/iris.geojson``       les 66 IRIS de Dijon (contours 2020), simplifiés ;
- ``data/qpv.geojson``        les périmètres QPV 2024 de Dijon Métropole ;
- ``data/quartiers.geojson``  les 9 quartiers, union de leurs IRIS ;
- ``data/equipements_positions.csv`` la position et le quartier de chaque équipement (une fois pour
  toutes les pages ; ``ctg_data.positions``) ;
- ``data/social.csv``         les indicateurs sociaux par IRIS, QPV et territoire de comparaison
  (``ctg_data.build_social``), plus leur regroupement par quartier (``ctg_data.agregation``) ;
- ``data/construction.json``  ce qui a été lu (empreintes SHA-256) et écrit (tailles).

Relancer donne exactement les mêmes fichiers (tri, arrondis et paramètres fixes). L'application ne
lit jamais le dossier de référence : seulement ce qui est écrit ici.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import agregation, build_social, config, positions
from .catalogue import charger
from .erreurs import ErreurDonnees, Probleme

CODE_DIJON = "21231"
LAMBERT93 = 2154
WGS84 = 4326
TOLERANCE_M = 12  # simplification des contours, en mètres (les contours sources sont à ~15 m près)
DECIMALES = 5  # ~1 m : largement sous la précision des contours

ENTREES = {
    "iris": "geo/iris_2020_dijon_metropole.geojson",
    "qpv": "geo/qpv_2024_cote_d_or.geojson",
}

META_IRIS = {
    "titre": "Contours IRIS 2020 de Dijon (66 IRIS)",
    "source": "IGN – INSEE, CONTOURS-IRIS® 2.1, édition 2020 (extrait : geo/iris_2020_dijon_metropole.geojson)",
    "licence": "Licence Ouverte / Etalab 2.0 (IGN)",
    "traitement": f"IRIS de la commune {CODE_DIJON} ; contours simplifiés à {TOLERANCE_M} m ; coordonnées à {DECIMALES} décimales",
}
META_QPV = {
    "titre": "Quartiers prioritaires de la politique de la ville (QPV), périmètres 2024, Dijon Métropole",
    "source": "ANCT, QPV 2024 (data.gouv.fr) ; extrait : geo/qpv_2024_cote_d_or.geojson",
    "licence": "Licence Ouverte / Etalab 2.0 (ANCT)",
    "traitement": f"QPV de Côte-d'Or situés dans Dijon Métropole ; simplifiés à {TOLERANCE_M} m ; coordonnées à {DECIMALES} décimales",
}
META_QUARTIERS = {
    "titre": "Les 9 quartiers de Dijon, reconstitués à partir des IRIS",
    "source": "Union des IRIS 2020 (IGN – INSEE) selon data/iris_quartiers.csv",
    "licence": "Contours : Licence Ouverte / Etalab 2.0 (IGN) ; rattachement : équipe du tableau de bord",
    "traitement": (
        "Reconstruction par l'équipe du tableau de bord, à valider par la Ville : aucune table publique "
        "ne donne les IRIS de chaque quartier. Corriger data/iris_quartiers.csv puis relancer la construction."
    ),
}


def dire(message: str) -> None:
    print(f"[construction] {message}", flush=True)


def sha256(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def empreinte_dossier(dossier: Path) -> str:
    """SHA-256 des fichiers d'un dossier, dans l'ordre de leurs noms."""
    h = hashlib.sha256()
    for f in sorted(dossier.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(dossier).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def lire_geo(reference: Path, cle: str) -> gpd.GeoDataFrame:
    chemin = reference / ENTREES[cle]
    if not chemin.exists():
        raise ErreurDonnees(ENTREES[cle], [Probleme(f"fichier introuvable dans le dossier de référence ({chemin})")])
    gdf = gpd.read_file(chemin)
    if gdf.crs is None or gdf.crs.to_epsg() != WGS84:
        raise ErreurDonnees(ENTREES[cle], [Probleme(f"système de coordonnées inattendu ({gdf.crs}) ; attendu : WGS84")])
    return gdf


def simplifier(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplifie en mètres (Lambert-93), revient en WGS84 et arrondit les coordonnées."""
    metrique = gdf.to_crs(LAMBERT93)
    metrique["geometry"] = metrique.geometry.simplify(TOLERANCE_M, preserve_topology=True)
    wgs = metrique.to_crs(WGS84)
    wgs["geometry"] = shapely.set_precision(wgs.geometry.values, 10**-DECIMALES)
    return wgs


def ecrire_geojson(gdf: gpd.GeoDataFrame, chemin: Path, cle_tri: str, meta: dict) -> int:
    """GeoJSON compact et déterministe ; renvoie sa taille en octets."""
    gdf = gdf.sort_values(cle_tri).reset_index(drop=True)
    entites = []
    for _, ligne in gdf.iterrows():
        proprietes = {k: (None if pd.isna(v) else v) for k, v in ligne.drop("geometry").items()}
        entites.append(
            {"type": "Feature", "properties": proprietes, "geometry": shapely.geometry.mapping(ligne.geometry)}
        )
    collection = {"type": "FeatureCollection", "metadata": meta, "features": entites}
    texte = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), default=_nombre)
    chemin.write_text(texte + "\n", encoding="utf-8")
    return chemin.stat().st_size


def _nombre(v):
    if hasattr(v, "item"):
        return v.item()
    raise TypeError(type(v))


def construire_iris(reference: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    brut = lire_geo(reference, "iris")
    dijon = brut[brut["INSEE_COM"] == CODE_DIJON][["CODE_IRIS", "NOM_IRIS", "TYP_IRIS", "geometry"]]
    dijon = dijon.rename(columns={"CODE_IRIS": "code_iris", "NOM_IRIS": "nom_iris", "TYP_IRIS": "type_iris"})
    return dijon, simplifier(dijon)


def verifier_rattachement(iris: gpd.GeoDataFrame, rattachement: pd.DataFrame, quartiers: pd.DataFrame) -> None:
    """Chaque IRIS des contours a un quartier, et chaque quartier du rattachement existe."""
    problemes = []
    codes = set(iris["code_iris"])
    for code in sorted(codes - set(rattachement["code_iris"])):
        problemes.append(Probleme(f"l'IRIS {code} des contours n'a pas de quartier", colonne="code_iris"))
    for i, ligne in rattachement.iterrows():
        if ligne["code_iris"] not in codes:
            problemes.append(Probleme(f"IRIS {ligne['code_iris']} absent des contours 2020", ligne=i + 2, colonne="code_iris"))
        if ligne["quartier"] not in set(quartiers["nom"]):
            problemes.append(Probleme(f"quartier inconnu « {ligne['quartier']} »", ligne=i + 2, colonne="quartier"))
    if problemes:
        raise ErreurDonnees("iris_quartiers.csv", problemes)


def construire_quartiers(iris_brut: gpd.GeoDataFrame, rattachement: pd.DataFrame, quartiers: pd.DataFrame) -> gpd.GeoDataFrame:
    joint = iris_brut.merge(rattachement[["code_iris", "quartier", "confiance"]], on="code_iris")
    metrique = joint.to_crs(LAMBERT93)
    # Un tampon de 10 m referme les fentes de quelques mètres entre IRIS voisins avant l'union.
    metrique["geometry"] = metrique.geometry.buffer(10)
    unis = metrique.dissolve(by="quartier", as_index=False, aggfunc={"code_iris": "count"})
    unis["geometry"] = unis.geometry.buffer(-10)
    a_verifier = joint[joint["confiance"] == "à vérifier"].groupby("quartier").size()
    unis = unis.rename(columns={"quartier": "nom", "code_iris": "nb_iris"})
    unis["nb_iris_a_verifier"] = unis["nom"].map(a_verifier).fillna(0).astype(int)
    unis = unis.merge(quartiers[["id", "nom"]], on="nom")
    return simplifier(unis.to_crs(WGS84)[["id", "nom", "nb_iris", "nb_iris_a_verifier", "geometry"]])


def construire_qpv(reference: Path) -> gpd.GeoDataFrame:
    brut = lire_geo(reference, "qpv")
    communes_metropole = brut["insee_com"].notna()
    qpv = brut[communes_metropole][["code_qp", "nom_qp", "nom_com", "geometry"]]
    qpv = qpv.rename(columns={"code_qp": "code_qpv", "nom_qp": "nom_qpv", "nom_com": "commune"})
    return simplifier(qpv)


def construire(reference: Path | None = None, sortie: Path | None = None) -> dict:
    """Enchaîne les étapes ; renvoie le manifeste écrit dans construction.json."""
    reference = reference or config.dossier_reference()
    sortie = sortie or config.dossier_donnees()
    etapes = 6
    dire(f"[1/{etapes}] IRIS de Dijon (lecture de {reference / ENTREES['iris']}) …")
    iris_brut, iris = construire_iris(reference)
    tailles = {"iris.geojson": ecrire_geojson(iris, sortie / "iris.geojson", "code_iris", META_IRIS)}

    dire(f"[2/{etapes}] Quartiers : union des IRIS selon iris_quartiers.csv …")
    quartiers = charger("quartiers", sortie)
    rattachement = charger("iris_quartiers", sortie)
    verifier_rattachement(iris_brut, rattachement, quartiers)
    quartiers_geo = construire_quartiers(iris_brut, rattachement, quartiers)
    tailles["quartiers.geojson"] = ecrire_geojson(quartiers_geo, sortie / "quartiers.geojson", "id", META_QUARTIERS)

    dire(f"[3/{etapes}] Périmètres QPV 2024 …")
    qpv = construire_qpv(reference)
    tailles["qpv.geojson"] = ecrire_geojson(qpv, sortie / "qpv.geojson", "code_qpv", META_QPV)

    dire(f"[4/{etapes}] Indicateurs sociaux (IRIS, QPV, comparaisons) et regroupement par quartier …")
    brut = build_social.lire_sources(reference, progression=lambda m: dire(f"      {m}"))
    n = build_social.ecrire_dictionnaire(sortie / "social_indicateurs.csv")  # depuis ctg_data/social_*.yaml
    dire(f"      Dictionnaire des indicateurs écrit : social_indicateurs.csv ({n} indicateurs).")
    social = pd.concat(
        [brut, agregation.agreger_quartiers(brut, charger("social_indicateurs", sortie), rattachement, quartiers)],
        ignore_index=True,
    ).sort_values(build_social.CLE, kind="stable")
    social.to_csv(sortie / "social.csv", index=False, encoding="utf-8", float_format="%.10g", lineterminator="\n")
    tailles["social.csv"] = (sortie / "social.csv").stat().st_size

    dire(f"[5/{etapes}] Position et quartier des équipements (géocodage, quartier connu, placement approximatif) …")
    n_eq = positions.ecrire_positions_livrees(sortie)
    tailles[positions.FICHIER_POSITIONS] = (sortie / positions.FICHIER_POSITIONS).stat().st_size
    dire(f"      {n_eq} équipements placés ou listés : {positions.FICHIER_POSITIONS}.")

    dire(f"[6/{etapes}] Manifeste de construction …")
    manifeste = {
        "entrees": {nom: {"fichier": chemin, "sha256": sha256(reference / chemin)} for nom, chemin in ENTREES.items()}
        | {"iris_quartiers": {"fichier": "data/iris_quartiers.csv", "sha256": sha256(sortie / "iris_quartiers.csv")},
           "social_indicateurs": {"fichier": "data/social_indicateurs.csv", "sha256": sha256(sortie / "social_indicateurs.csv")},
           "socio": {"fichier": "socio/ (tous les fichiers lus)", "sha256": empreinte_dossier(reference / "socio")}},
        "parametres": {"tolerance_m": TOLERANCE_M, "decimales": DECIMALES},
        "sorties": {nom: {"octets": t} for nom, t in sorted(tailles.items())},
        "total_octets": sum(tailles.values()),
    }
    (sortie / "construction.json").write_text(
        json.dumps(manifeste, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    dire(
        f"Terminé : {len(iris)} IRIS, {len(quartiers_geo)} quartiers, {len(qpv)} QPV, "
        f"{len(social)} valeurs sociales ; "
        f"{manifeste['total_octets'] / 1024:.1f} Ko au total dans {sortie}."
    )
    return manifeste


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Construit les fichiers géographiques de data/.")
    parser.add_argument("--reference", type=Path, help="dossier des données ouvertes brutes")
    parser.add_argument("--sortie", type=Path, help="dossier data/ à écrire")
    args = parser.parse_args(argv)
    try:
        construire(args.reference, args.sortie)
    except ErreurDonnees as e:
        print(f"ERREUR : {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
