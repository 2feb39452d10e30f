"""Étape de construction géographique : fichiers produits, déterminisme, tailles, erreurs."""

import json
import shutil

import pytest

from ctg_data import build, config
from ctg_data.catalogue import charger
from ctg_data.erreurs import ErreurDonnees
from ctg_data.geographie import charger_geo

from .conftest import modifier_cellule

REFERENCE = config.dossier_reference()
pytestmark = pytest.mark.skipif(
    not (REFERENCE / build.ENTREES["iris"]).exists(), reason=f"données de référence absentes ({REFERENCE})"
)


@pytest.fixture
def construit(dossier_donnees):
    for f in ("iris.geojson", "qpv.geojson", "quartiers.geojson", "social.csv", "equipements_positions.csv",
              "construction.json"):
        (dossier_donnees / f).unlink()
    manifeste = build.construire(REFERENCE, dossier_donnees)
    return dossier_donnees, manifeste


def test_fichiers_produits_et_legers(construit):
    dossier, manifeste = construit
    iris = charger_geo("iris", dossier)
    quartiers = charger_geo("quartiers_geo", dossier)
    qpv = charger_geo("qpv", dossier)
    assert len(iris) == 66 and iris["code_iris"].str.startswith("21231").all()
    assert sorted(quartiers["nom"]) == sorted(charger("quartiers", dossier)["nom"])
    assert {"QN02102M", "QN02103M"} <= set(qpv["code_qpv"])
    geographie = sum(manifeste["sorties"][f]["octets"] for f in ("iris.geojson", "qpv.geojson", "quartiers.geojson"))
    assert geographie < 150 * 1024
    assert set(manifeste["entrees"]) == {"iris", "qpv", "iris_quartiers", "social_indicateurs", "socio"}


def test_construction_deterministe_et_identique_aux_fichiers_livres(construit):
    dossier, _ = construit
    for nom in ("iris.geojson", "qpv.geojson", "quartiers.geojson", "social.csv", "equipements_positions.csv",
                "construction.json"):
        assert (dossier / nom).read_bytes() == (config.dossier_donnees() / nom).read_bytes(), nom


def test_quartiers_couvrent_dijon(construit):
    dossier, _ = construit
    iris = charger_geo("iris", dossier).to_crs(2154)
    quartiers = charger_geo("quartiers_geo", dossier).to_crs(2154)
    surface_iris = iris.geometry.union_all().area
    assert abs(quartiers.geometry.union_all().area - surface_iris) / surface_iris < 0.02
    assert quartiers["nb_iris"].sum() == 66


def test_metadonnees_de_source(construit):
    dossier, _ = construit
    meta = json.loads((dossier / "quartiers.geojson").read_text(encoding="utf-8"))["metadata"]
    assert "Reconstruction par l'équipe" in meta["traitement"]
    assert "Etalab" in json.loads((dossier / "qpv.geojson").read_text(encoding="utf-8"))["metadata"]["licence"]


def test_rattachement_corrige_puis_reconstruit(dossier_donnees):
    """Corriger le fichier puis relancer la construction déplace l'IRIS dans le nouveau quartier."""
    ligne = modifier_cellule(dossier_donnees / "iris_quartiers.csv", None, "quartier", "Montchapet", cle="code_iris", valeur_cle="212310302")
    assert ligne > 1
    build.construire(REFERENCE, dossier_donnees)
    quartiers = charger_geo("quartiers_geo", dossier_donnees).set_index("nom")
    assert quartiers.loc["Montchapet", "nb_iris"] == 9
    assert quartiers.loc["Centre-ville", "nb_iris"] == 9


def test_quartier_inconnu_refuse(dossier_donnees):
    modifier_cellule(dossier_donnees / "iris_quartiers.csv", None, "quartier", "Atlantide", cle="code_iris", valeur_cle="212310101")
    avant = (dossier_donnees / "quartiers.geojson").read_bytes()
    with pytest.raises(ErreurDonnees) as e:
        build.construire(REFERENCE, dossier_donnees)
    assert "iris_quartiers.csv" in str(e.value) and "quartier inconnu « Atlantide »" in str(e.value)
    assert (dossier_donnees / "quartiers.geojson").read_bytes() == avant


def test_reference_absente(dossier_donnees, tmp_path, capsys):
    vide = tmp_path / "vide"
    vide.mkdir()
    assert build.main(["--reference", str(vide), "--sortie", str(dossier_donnees)]) == 1
    assert "fichier introuvable dans le dossier de référence" in capsys.readouterr().err


def test_progression_affichee(dossier_donnees, capsys):
    shutil.rmtree(dossier_donnees / "__pycache__", ignore_errors=True)
    build.construire(REFERENCE, dossier_donnees)
    sortie = capsys.readouterr().out
    assert "[construction] [1/6]" in sortie and "[construction] [6/6]" in sortie and "Terminé" in sortie
    assert "équipements placés ou listés : equipements_positions.csv" in sortie
