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


# --- compter et tableau_quartiers : les versions rapides donnent les tableaux de la définition pas à pas ---
def _compter_pas_a_pas(equipements, quartier, categories):
    """La définition de ``compter``, filtre après filtre (comptes, fermés, quartier non connu, postes)."""
    from ctg_data.equipements import est_equipement, est_ferme

    vrais = equipements[est_equipement(equipements)]
    if categories is not None:
        vrais = vrais[vrais["categorie"].isin(categories)]
    ouverts, fermes = vrais[~est_ferme(vrais)], vrais[est_ferme(vrais)]
    return (filtrer_quartier(ouverts, quartier), filtrer_quartier(fermes, quartier),
            ouverts[ouverts["quartier"].isna()] if quartier else ouverts.iloc[0:0],
            int((~est_equipement(equipements)).sum()))


def _tableau_crosstab(equipements, quartiers):
    import pandas as pd

    from ctg_data.equipements import CATEGORIES_EQUIPEMENTS, QUARTIER_NON_CONNU

    categories = [c for c in CATEGORIES_EQUIPEMENTS if c in set(equipements["categorie"])]
    lignes = quartiers + ([QUARTIER_NON_CONNU] if equipements["quartier"].isna().any() else [])
    tableau = pd.crosstab(equipements["quartier"].fillna(QUARTIER_NON_CONNU), equipements["categorie"]).reindex(
        index=lignes, columns=categories, fill_value=0)
    tableau["Total"] = tableau.sum(axis=1)
    tableau.index.name, tableau.columns.name = "Quartier", None
    return tableau.reset_index()


def test_compter_et_tableau_quartiers_comme_pas_a_pas():
    import itertools

    import pandas as pd

    from ctg_data.equipements import compter, est_equipement, tableau_quartiers
    from ctg_data.positions import avec_corrections

    tous = avec_corrections(charger("equipements"), charger("equipements_positions"), None)
    fermes = tous.copy()
    fermes.loc[fermes.index[[0, 3]], "etat"] = "fermé"
    variantes = [tous, fermes, tous.drop(columns=["etat"], errors="ignore"), tous.iloc[0:0]]
    quartiers = [None, "Grésilles", "Centre-ville", "Inexistant"]
    for df, quartier, categories in itertools.product(variantes, quartiers, [None, [], ["EAJE"], ["EAJE", "ALSH", "RPE"]]):
        comptage = compter(df, quartier, categories)
        comptes, fermes_vue, inconnus, postes = _compter_pas_a_pas(df, quartier, categories)
        pd.testing.assert_frame_equal(comptage.comptes, comptes)
        pd.testing.assert_frame_equal(comptage.fermes, fermes_vue)
        pd.testing.assert_frame_equal(comptage.quartier_inconnu, inconnus)
        assert comptage.postes == postes
    noms = sorted(charger("quartiers")["nom"])
    ouverts = tous[est_equipement(tous)]
    for df, liste in itertools.product([ouverts, ouverts[ouverts["quartier"] == "Grésilles"], ouverts.iloc[0:0],
                                        ouverts[ouverts["quartier"].isna()]], [noms, ["Grésilles"], []]):
        pd.testing.assert_frame_equal(tableau_quartiers(df, liste), _tableau_crosstab(df, liste))
