"""Position et quartier de chaque équipement : priorités, placement approximatif honnête."""

import pandas as pd
import pytest
import shapely

from ctg_data.catalogue import charger
from ctg_data.geocodage import cle_adresse
from ctg_data.geographie import charger_geo
from ctg_data.positions import APPROX, COLONNES_CORRECTIONS, COLONNES_POSITIONS, avec_corrections, positions


@pytest.fixture(scope="module")
def entrees():
    return {
        "equipements": charger("equipements"),
        "decisions": charger("equipements_quartiers"),
        "iris": charger_geo("iris"),
        "rattachement": charger("iris_quartiers"),
        "quartiers_geo": charger_geo("quartiers_geo"),
    }


def calculer(entrees, cache=None, corrections=None):
    """Positions des données livrées, puis les corrections par-dessus, comme l'application."""
    cache = cache if cache is not None else pd.DataFrame(columns=["cle", "statut"])
    livrees = positions(entrees["equipements"], entrees["decisions"], cache, entrees["iris"],
                        entrees["rattachement"], entrees["quartiers_geo"])
    if corrections is None:
        return livrees
    return avec_corrections(entrees["equipements"], livrees[COLONNES_POSITIONS], corrections, entrees["iris"],
                            entrees["rattachement"], entrees["quartiers_geo"])


def ligne_cache(equipement, lon, lat, precision="adresse"):
    return {
        "cle": cle_adresse(equipement["adresse"], equipement["code_postal"], equipement["commune"]),
        "adresse": equipement["adresse"], "code_postal": equipement["code_postal"], "commune": equipement["commune"],
        "statut": "trouvé", "lat": lat, "lon": lon, "precision": precision, "score": 0.97,
        "libelle": f"{equipement['adresse']} 21000 Dijon", "source": "API BAN", "date": "2026-11-22",
    }


def point_dans_iris(entrees, code):
    p = entrees["iris"].set_index("code_iris").loc[code].geometry.representative_point()
    return p.x, p.y


def test_chaque_equipement_localise_honnetement_ou_non_localise(entrees):
    pos = calculer(entrees)
    assert len(pos) == len(entrees["equipements"])
    assert set(pos["precision"]) <= {APPROX, "inconnue"}  # rien n'est géocodé dans le dépôt
    inconnus = pos[pos["precision"] == "inconnue"]
    assert inconnus["lat"].isna().all() and inconnus["quartier"].isna().all()
    approx = pos[pos["precision"] == APPROX]
    assert approx["quartier"].notna().all()
    assert approx["origine_position"].str.startswith("position approximative").all()
    # Les 3 équipements dont le document donne le quartier, plus les 16 décidés par l'équipe
    # (l'Espace York, EQ043, n'en fait plus partie : le document ne le situe pas).
    assert len(approx) == 19
    assert set(approx["origine_quartier"]) == {"document", "équipe"}


def test_placement_approximatif_dans_le_quartier_et_distinct(entrees):
    pos = calculer(entrees)
    approx = pos[pos["precision"] == APPROX]
    geometries = entrees["quartiers_geo"].set_index("nom").geometry
    for _, e in approx.iterrows():
        assert geometries[e["quartier"]].contains(shapely.Point(e["lon"], e["lat"])), e["nom"]
    assert not approx.duplicated(["lat", "lon"]).any()
    assert calculer(entrees)[["lat", "lon"]].equals(pos[["lat", "lon"]])  # déterministe


def test_geocodage_l_emporte_et_recalcule_le_quartier(entrees):
    equipement = entrees["equipements"].set_index("id").loc["EQ006"]  # Multi-accueil Grésilles
    lon, lat = point_dans_iris(entrees, "212310101")  # un IRIS du centre-ville
    cache = pd.DataFrame([ligne_cache(equipement, lon, lat)])
    e = calculer(entrees, cache).set_index("id").loc["EQ006"]
    assert (e["precision"], e["quartier"], e["code_iris"]) == ("adresse", "Centre-ville", "212310101")
    assert e["origine_quartier"] == "position"
    assert e["origine_position"].startswith("géocodage (API BAN)")


def test_position_hors_dijon(entrees):
    equipement = entrees["equipements"].set_index("id").loc["EQ035"]  # La Pouponnière, Talant
    cache = pd.DataFrame([ligne_cache(equipement, 4.995, 47.335)])
    e = calculer(entrees, cache).set_index("id").loc["EQ035"]
    assert e["precision"] == "adresse" and pd.isna(e["quartier"])
    assert e["raison_quartier"] == "position hors des IRIS du territoire"


def test_correction_l_emporte_sur_tout(entrees):
    equipement = entrees["equipements"].set_index("id").loc["EQ006"]
    lon, lat = point_dans_iris(entrees, "212310101")
    cache = pd.DataFrame([ligne_cache(equipement, lon, lat)])
    lon2, lat2 = point_dans_iris(entrees, "212311803")
    corrections = pd.DataFrame(
        [{"id": "EQ006", "lat": lat2, "lon": lon2, "quartier": None, "auteur": "agent1",
          "date": "2026-11-22", "motif": "entrée rue Castelnau"}],
        columns=COLONNES_CORRECTIONS,
    )
    e = calculer(entrees, cache, corrections).set_index("id").loc["EQ006"]
    assert (e["lat"], e["lon"], e["quartier"]) == (lat2, lon2, "Grésilles")
    assert "corrigée par agent1" in e["origine_position"]


def test_correction_du_seul_quartier(entrees):
    corrections = pd.DataFrame(
        [{"id": "EQ011", "lat": None, "lon": None, "quartier": "Chevreul-Parc", "auteur": "agent1",
          "date": "2026-11-22", "motif": "vérifié sur place"}],
        columns=COLONNES_CORRECTIONS,
    )
    e = calculer(entrees, corrections=corrections).set_index("id").loc["EQ011"]
    assert (e["quartier"], e["precision"], e["origine_quartier"]) == ("Chevreul-Parc", APPROX, "correction")
