"""Les équipements des annexes 2 et 2 bis : contenu transcrit et comptages."""

import re
import unicodedata

import pytest

from ctg_data import config
from ctg_data.catalogue import charger
from ctg_data.equipements import comptage_par_categorie, filtrer_quartier, sans_quartier


@pytest.fixture(scope="module")
def equipements():
    return charger("equipements")


def test_comptes_par_categorie_et_annexe(equipements):
    assert equipements["categorie"].value_counts().to_dict() == {
        "EAJE": 30, "ALSH": 10, "Centre social / MEP": 9, "RPE": 5, "Autre": 3,
        "Ludothèque": 1, "Médiathèque": 1, "LAEP": 1,
    }
    assert equipements["annexe"].value_counts().to_dict() == {"2": 44, "2 bis": 16}


def test_equipements_de_la_ville(equipements):
    ville = equipements[equipements["gestion_ville"] == "oui"]
    assert len(ville) == 26
    assert set(ville["gestionnaire"]) == {"Ville de Dijon"}
    # 14 multi-accueils municipaux dans l'annexe 2
    assert len(ville[(ville["categorie"] == "EAJE") & (ville["annexe"] == "2")]) == 14


def test_corrections_ocr_signalees(equipements):
    citeaux = equipements[equipements["nom"] == "Multi-accueil Petit Cîteaux"].iloc[0]
    assert "Citeaux" in citeaux["note"] and citeaux["adresse"] == "5 rue Louis Jouvet"


def test_quartier_seulement_quand_le_document_le_dit(equipements):
    avec = equipements[equipements["quartier"].notna()]
    assert set(avec["nom"]) == {"La Maison-Phare", "Maison Phare", "L'Essentiel-le"}
    assert avec["note"].str.contains("Annexe 3").all()  # « la Maison Phare (Fontaine d’Ouche) … (Grésilles) », 000 l. 635-636
    assert sans_quartier(equipements) == 57


def test_aucune_coordonnee_inventee(equipements):
    assert not {"lat", "lon", "latitude", "longitude"} & set(equipements.columns)


def test_multi_accueils_de_l_annexe_tous_presents(equipements):
    """Chaque « Multi-accueil … » et « RPE … » imprimé à l'annexe 2 est dans le jeu de données."""
    texte = config.dossier_reference().parent / "seeds" / "000_6464dfed2d3d1a29.txt"
    if not texte.exists():
        pytest.skip(f"document source absent ({texte})")
    annexe2 = texte.read_text(encoding="utf-8").split("ANNEXE 2 bis")[0].split("ANNEXE 2 —")[1]
    imprimes = re.findall(r"^(Multi-accueil [^\n]+|RPE [A-Z][^\n]+)$", annexe2, flags=re.M)
    assert len(imprimes) >= 19
    noms = sans_accents(" | ".join(equipements["nom"]))
    manquants = [n for n in imprimes if sans_accents(n.strip()) not in noms]
    assert manquants == []


def sans_accents(texte: str) -> str:
    """Comparaison tolérante aux corrections d'accents et d'apostrophes faites à la transcription."""
    texte = unicodedata.normalize("NFKD", texte.replace("’", "'").lower())
    return "".join(c for c in texte if not unicodedata.combining(c))


def test_comptage_par_categorie(equipements):
    comptage = comptage_par_categorie(equipements)
    assert list(comptage["Catégorie"])[:3] == ["EAJE", "RPE", "ALSH"]
    assert comptage["Nombre"].sum() == 60


def test_filtre_quartier(equipements):
    assert set(filtrer_quartier(equipements, "Grésilles")["nom"]) == {"L'Essentiel-le"}
    assert len(filtrer_quartier(equipements, None)) == 60
    assert comptage_par_categorie(filtrer_quartier(equipements, "Montchapet")).empty
