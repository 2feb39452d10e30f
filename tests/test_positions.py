"""Position et quartier de chaque équipement : priorités (correction > géocodage du magasin > données
livrées), placement approximatif honnête."""

import pandas as pd
import pytest
import shapely

from ctg_data.catalogue import charger
from ctg_data.geocodage import cle_adresse
from ctg_data.geographie import charger_geo
from ctg_data.positions import (
    APPROX, COLONNES_CORRECTIONS, COLONNES_POSITIONS, avec_corrections, avec_geocodages, positions,
)


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


# --- Géocodages enregistrés dans le magasin (depuis l'application) -----------------------------

def geocodage_du_magasin(equipement, lon, lat, statut="trouvé", auteur="agent1", cle=None):
    """Une ligne de ``Stockage.geocodages_actifs``."""
    return {
        "id": equipement.name,
        "cle": cle or cle_adresse(equipement["adresse"], equipement["code_postal"], equipement["commune"]),
        "statut": statut, "lat": lat if statut == "trouvé" else None, "lon": lon if statut == "trouvé" else None,
        "precision": "adresse" if statut == "trouvé" else None, "score": 1.0, "libelle": "2 Rue Castelnau 21000 Dijon",
        "source": "fichier BAN adresses-21.csv.gz", "auteur": auteur, "date": "2026-11-23",
    }


def appliquer(entrees, cache=None, geocodages=None, corrections=None):
    """Comme l'application : positions livrées, géocodages du magasin, corrections par-dessus."""
    livrees = calculer(entrees, cache)[COLONNES_POSITIONS]
    return avec_corrections(entrees["equipements"], livrees, corrections, entrees["iris"], entrees["rattachement"],
                            entrees["quartiers_geo"], geocodages=pd.DataFrame(geocodages or []))


def test_geocodage_du_magasin_l_emporte_sur_les_donnees_livrees(entrees):
    equipement = entrees["equipements"].set_index("id").loc["EQ006"]
    lon, lat = point_dans_iris(entrees, "212310101")  # centre-ville, dans le cache livré
    lon2, lat2 = point_dans_iris(entrees, "212311803")  # Grésilles, géocodé depuis l'application
    e = appliquer(entrees, pd.DataFrame([ligne_cache(equipement, lon, lat)]),
                  [geocodage_du_magasin(equipement, lon2, lat2)]).set_index("id").loc["EQ006"]
    assert (e["lat"], e["lon"], e["precision"], e["quartier"], e["code_iris"]) == (
        lat2, lon2, "adresse", "Grésilles", "212311803")
    assert e["origine_quartier"] == "position" and e["raison_quartier"] == "position dans l'IRIS 212311803"
    assert e["origine_position"] == (
        "géocodage (fichier BAN adresses-21.csv.gz) par agent1 le 2026-11-23 : 2 Rue Castelnau 21000 Dijon")
    assert e["date_position"] == "2026-11-23"


def test_geocodage_du_magasin_remplace_la_position_approximative(entrees):
    """EQ001 (Balzac) est placé approximativement dans la Maladière par les données livrées ; géocodé
    depuis l'application, il est à son adresse et son quartier est celui de la position."""
    assert calculer(entrees).set_index("id").loc["EQ001", ["precision", "quartier"]].tolist() == [APPROX, "Maladière"]
    equipement = entrees["equipements"].set_index("id").loc["EQ001"]
    lon, lat = point_dans_iris(entrees, "212310101")
    e = appliquer(entrees, geocodages=[geocodage_du_magasin(equipement, lon, lat)]).set_index("id").loc["EQ001"]
    assert (e["precision"], e["quartier"], e["lat"], e["lon"]) == ("adresse", "Centre-ville", lat, lon)


def test_correction_l_emporte_sur_le_geocodage_du_magasin(entrees):
    equipement = entrees["equipements"].set_index("id").loc["EQ006"]
    lon, lat = point_dans_iris(entrees, "212310101")
    lon2, lat2 = point_dans_iris(entrees, "212311803")
    corrections = pd.DataFrame(
        [{"id": "EQ006", "lat": lat, "lon": lon, "quartier": None, "auteur": "agent2",
          "date": "2026-11-24", "motif": "entrée principale"}], columns=COLONNES_CORRECTIONS)
    e = appliquer(entrees, geocodages=[geocodage_du_magasin(equipement, lon2, lat2)],
                  corrections=corrections).set_index("id").loc["EQ006"]
    assert (e["lat"], e["lon"], e["quartier"]) == (lat, lon, "Centre-ville")
    assert "corrigée par agent2" in e["origine_position"]
    # Quartier seul corrigé : la position géocodée reste, le quartier corrigé l'emporte.
    corrections = pd.DataFrame(
        [{"id": "EQ006", "lat": None, "lon": None, "quartier": "Fontaine d'Ouche", "auteur": "agent2",
          "date": "2026-11-24", "motif": "vérifié"}], columns=COLONNES_CORRECTIONS)
    e = appliquer(entrees, geocodages=[geocodage_du_magasin(equipement, lon2, lat2)],
                  corrections=corrections).set_index("id").loc["EQ006"]
    assert (e["lat"], e["lon"], e["precision"]) == (lat2, lon2, "adresse")
    assert (e["quartier"], e["origine_quartier"]) == ("Fontaine d'Ouche", "correction")


def test_geocodages_ignores(entrees):
    """Non trouvé, ou portant sur une ancienne adresse : les données livrées restent."""
    equipement = entrees["equipements"].set_index("id").loc["EQ006"]
    lon, lat = point_dans_iris(entrees, "212310101")
    livrees = calculer(entrees)[COLONNES_POSITIONS]
    for g in (geocodage_du_magasin(equipement, lon, lat, statut="non trouvé"),
              geocodage_du_magasin(equipement, lon, lat, cle="1 rue ancienne|21000|dijon")):
        resultat = avec_geocodages(entrees["equipements"], livrees, pd.DataFrame([g]), entrees["iris"],
                                   entrees["rattachement"])
        colonnes = ["lat", "lon", "precision", "quartier", "origine_position", "origine_quartier"]
        assert (resultat.set_index("id").loc["EQ006", colonnes].tolist()
                == livrees.set_index("id").loc["EQ006", colonnes].tolist())


def test_le_dernier_geocodage_compte(entrees):
    equipement = entrees["equipements"].set_index("id").loc["EQ006"]
    lon, lat = point_dans_iris(entrees, "212310101")
    lon2, lat2 = point_dans_iris(entrees, "212311803")
    e = appliquer(entrees, geocodages=[geocodage_du_magasin(equipement, lon, lat),
                                       geocodage_du_magasin(equipement, lon2, lat2, auteur="agent2")])
    e = e.set_index("id").loc["EQ006"]
    assert e["quartier"] == "Grésilles" and "par agent2" in e["origine_position"]
