"""Construction des données d'un territoire CTG (EPCI de Côte-d'Or) : ctg_data/build_territoires.py.

Les valeurs attendues sont lues dans les fichiers sources pendant le test : aucun chiffre n'est écrit ici.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ctg_data import build_social as bs
from ctg_data import build_territoires as bt
from ctg_data import config, schemas
from ctg_data.erreurs import ErreurDonnees

REFERENCE = config.dossier_reference()
pytestmark = pytest.mark.skipif(
    not (REFERENCE / bt.FICHIER_COMPOSITION).exists(),
    reason=f"dossier de référence absent ({REFERENCE}) : construction des territoires non testée",
)
SIREN_GN = "200070894"  # CC de Gevrey-Chambertin et de Nuits-Saint-Georges
LIVRE = Path(__file__).resolve().parent.parent / "data" / "territoires" / "donnees" / "gevrey-nuits"


def composition() -> list[dict]:
    with open(REFERENCE / bt.FICHIER_COMPOSITION, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f, delimiter=";"))


def filosofi(niveau: str, annee: int) -> dict[str, dict]:
    """Lignes d'un fichier Filosofi source, par CODGEO."""
    nom = {"commune": f"filosofi_commune_{annee}_disp_cotedor.csv", "epci": f"filosofi_epci_{annee}_disp_cotedor.csv"}[niveau]
    with open(REFERENCE / "socio" / "commune" / nom, encoding="utf-8-sig") as f:
        return {r["CODGEO"]: r for r in csv.DictReader(f, delimiter=";")}


def nombre(texte: str) -> float:
    return float(texte.replace("\u202f", "").replace("\u00a0", "").replace(",", "."))


@pytest.fixture(scope="module")
def gn(tmp_path_factory):
    """Gevrey-Nuits construit sans fusion déclarée (comportement par défaut), avec ses messages."""
    sortie = tmp_path_factory.mktemp("territoires")
    messages: list[str] = []
    rapport = bt.construire_territoire("gevrey-nuits", SIREN_GN, reference=REFERENCE, sortie=sortie,
                                       progression=messages.append)
    dossier = sortie / "gevrey-nuits"
    social = pd.read_csv(dossier / "social.csv", dtype={"code_zone": str}, keep_default_na=False,
                         na_values={"valeur": [""]})
    manifeste = json.loads((dossier / "manifeste.json").read_text(encoding="utf-8"))
    return rapport, dossier, social, manifeste, messages


def test_55_communes_de_la_composition_et_leur_carte(gn):
    rapport, dossier, _social, manifeste, _ = gn
    attendues = sorted(r["CODGEO"] for r in composition() if r["EPCI"] == SIREN_GN)
    assert len(attendues) == 55
    assert [c for c, _ in rapport.communes] == attendues
    assert rapport.sans_contour == []  # toutes les communes 2020 ont un contour 2018 (même code)
    carte = json.loads((dossier / "communes.geojson").read_text(encoding="utf-8"))
    assert sorted(f["properties"]["code"] for f in carte["features"]) == attendues
    assert all(set(f["properties"]) == {"code", "nom", "note"} for f in carte["features"])
    contour = json.loads((dossier / "contour.geojson").read_text(encoding="utf-8"))
    assert len(contour["features"]) == 1 and contour["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert manifeste["territoire"]["communes"] == 55


def test_commune_nouvelle_signalee_jamais_corrigee_en_silence(gn):
    """Valforêt (21178) s'appelait Clémencey en 2018 ; Quemigny-Poisot (21513), contour 2018 voisin, n'est
    plus dans la composition 2020 : la construction le dit et ne l'ajoute pas sans déclaration."""
    rapport, dossier, social, _, messages = gn
    assert {"code": "21178", "nom_2020": "Valforêt", "nom_2018": "Clémencey"} in rapport.renommees
    probable = [p for p in rapport.fusions_probables if p["code_2018"] == "21513"]
    assert probable and probable[0]["candidates"] == ["21178"]
    assert any("--fusion 21178=21513" in a for a in rapport.avertissements)
    assert any("21513" in m for m in messages)
    carte = json.loads((dossier / "communes.geojson").read_text(encoding="utf-8"))
    valforet = next(f for f in carte["features"] if f["properties"]["code"] == "21178")
    assert "Clémencey" in valforet["properties"]["note"] and "Quemigny" not in valforet["properties"]["note"]
    # Valeurs 2014-2016 : la ligne du fichier est celle de Clémencey ; le nom du fichier est dit.
    ligne = social[(social["code_zone"] == "21178") & (social["annee"] == 2016) & (social["indicateur"] == "menages_fiscaux")]
    assert "Clémencey" in ligne["note"].iloc[0]


def test_fusion_declaree_ajoute_le_contour_et_le_dit(tmp_path):
    rapport = bt.construire_territoire("gevrey-nuits", SIREN_GN, reference=REFERENCE, sortie=tmp_path,
                                       fusions={"21178": ["21513"]})
    carte = json.loads((tmp_path / "gevrey-nuits" / "communes.geojson").read_text(encoding="utf-8"))
    assert len(carte["features"]) == 55
    valforet = next(f for f in carte["features"] if f["properties"]["code"] == "21178")
    assert "Quemigny-Poisot (21513)" in valforet["properties"]["note"]
    social = pd.read_csv(tmp_path / "gevrey-nuits" / "social.csv", dtype={"code_zone": str}, keep_default_na=False)
    notes = social[(social["code_zone"] == "21178") & (social["annee"] == 2016)]["note"]
    assert notes.str.contains("avant la fusion : sans Quemigny-Poisot").all()
    notes_2019 = social[(social["code_zone"] == "21178") & (social["annee"] == 2019)]["note"]
    assert not notes_2019.str.contains("fusion").any()  # 21513 n'a plus de ligne en 2019
    assert rapport.fusions_appliquees == {"21178": ["21513"]}


def test_valeur_connue_lue_dans_le_fichier_source(gn):
    _, _, social, _, _ = gn
    source = filosofi("commune", 2019)["21464"]  # Nuits-Saint-Georges
    ligne = social[(social["indicateur"] == "niveau_vie_median") & (social["code_zone"] == "21464") & (social["annee"] == 2019)]
    assert len(ligne) == 1
    assert ligne["valeur"].iloc[0] == nombre(source["Q219"])
    assert ligne["statut"].iloc[0] == bs.PUBLIEE
    assert ligne["source"].iloc[0] == "INSEE, Filosofi 2019, revenus disponibles, commune"
    assert ligne["source_detail"].iloc[0] == "socio/commune/filosofi_commune_2019_disp_cotedor.csv, colonne Q219"
    for ind, col in (("niveau_vie_d1", "D119"), ("part_prestations_familiales", "PPFAM19"), ("menages_fiscaux", "NBMEN19")):
        valeur = social[(social["indicateur"] == ind) & (social["code_zone"] == "21464") & (social["annee"] == 2019)]["valeur"]
        assert valeur.iloc[0] == nombre(source[col])


def test_secret_manquant_jamais_zero(gn):
    _, _, social, _, _ = gn
    codes = {r["CODGEO"] for r in composition() if r["EPCI"] == SIREN_GN}
    absentes_2019 = sorted(codes - set(filosofi("commune", 2019)))
    assert absentes_2019, "des petites communes sont absentes du fichier 2019 (secret statistique)"
    for code in absentes_2019:
        lignes = social[(social["code_zone"] == code) & (social["annee"] == 2019) & (social["source"].str.contains("Filosofi"))]
        assert len(lignes) == len(bt.INDICATEURS_FILOSOFI)
        assert lignes["valeur"].isna().all()
        assert (lignes["statut"] == bs.SECRET).all()
        assert lignes["note"].str.contains("absente du fichier").all()
    # Cellules vides d'une commune présente : secret, pas 0.
    source = filosofi("commune", 2019)
    vides = [(c, r) for c, r in source.items() if c in codes and r["D119"] == "" and r["Q219"] != ""]
    assert vides
    for code, _ in vides:
        d1 = social[(social["code_zone"] == code) & (social["annee"] == 2019) & (social["indicateur"] == "niveau_vie_d1")]
        assert d1["valeur"].isna().all() and (d1["statut"] == bs.SECRET).all()
    filosofi_lignes = social[social["source"].str.contains("Filosofi")]
    assert not (filosofi_lignes["valeur"] == 0).any()
    # Les zéros des jeunes non insérés sont écrits « 0,00 » dans le fichier : gardés, avec une note.
    zeros = social[social["valeur"] == 0]
    assert (zeros["indicateur"] == "part_jeunes_non_inseres").all()
    assert zeros["note"].str.contains("0 écrit tel quel").all()
    with open(REFERENCE / "socio/commune/jeunes_non_inseres_communes_cotedor.csv", encoding="utf-8-sig") as f:
        textes = {(r["codgeo"], int(r["an"])): r["part_non_inseres"] for r in csv.DictReader(f, delimiter=";")}
    assert all(nombre(textes[(c, a)]) == 0 for c, a in zip(zeros["code_zone"], zeros["annee"]))
    assert social.loc[social["valeur"].isna(), "statut"].ne(bs.PUBLIEE).all()
    assert social.loc[social["valeur"].notna(), "statut"].eq(bs.PUBLIEE).all()


def test_mediane_de_l_epci_lue_dans_le_fichier_des_epci(gn):
    _, _, social, _, _ = gn
    epci = social[(social["type_zone"] == "EPCI") & (social["indicateur"] == "niveau_vie_median")].set_index("annee")
    for annee in (2016, 2017, 2018, 2019):
        ligne = filosofi("epci", annee)[SIREN_GN]
        assert epci.loc[annee, "valeur"] == nombre(ligne[f"Q2{annee % 100}"])
        assert epci.loc[annee, "source_detail"].startswith(f"socio/commune/filosofi_epci_{annee}_")
    # 2014-2015 : l'EPCI (créé par fusion en 2017) n'est pas dans les fichiers : rien n'est reconstitué.
    for annee in (2014, 2015):
        assert SIREN_GN not in filosofi("epci", annee)
        assert pd.isna(epci.loc[annee, "valeur"])
        assert epci.loc[annee, "statut"] == bt.EPCI_AVANT_2017
    # Aucune valeur calculée : chaque valeur publiée vient d'une ligne et d'une colonne d'un fichier.
    publiees = social[social["valeur"].notna()]
    assert publiees["source_detail"].str.contains(", colonne ").all()
    assert not publiees["source"].str.contains("Calcul").any()


def test_comparaisons_et_neet(gn):
    _, _, social, _, _ = gn
    types = set(social["type_zone"])
    assert types == {"commune", "EPCI", "département", "région", "France métropolitaine"}
    neet = social[social["indicateur"] == "part_jeunes_non_inseres"]
    assert set(neet.loc[neet["type_zone"] == "commune", "annee"]) == {2008, 2013, 2018}
    assert set(neet["type_zone"]) == {"commune", "EPCI", "département", "région"}
    with open(REFERENCE / "socio/commune/jeunes_non_inseres_epci_cotedor.csv", encoding="utf-8-sig") as f:
        attendu = {int(r["an"]): nombre(r["part_non_inseres"]) for r in csv.DictReader(f, delimiter=";") if r["codgeo"] == SIREN_GN}
    epci = neet[neet["type_zone"] == "EPCI"].set_index("annee")["valeur"].to_dict()
    assert epci == attendu


def test_schema_de_social_csv_et_dictionnaire(gn):
    _, dossier, social, _, _ = gn
    assert list(social.columns) == bs.COLONNES_SOCIAL
    schemas.SOCIAL.validate(social.assign(note=social["note"].fillna("")))
    dictionnaire = pd.read_csv(dossier / "indicateurs.csv", keep_default_na=False)
    assert list(dictionnaire.columns) == bs.COLONNES_DICTIONNAIRE
    assert set(dictionnaire["code"]) == set(social["indicateur"])
    schemas.SOCIAL_INDICATEURS.validate(dictionnaire)
    medianes = dictionnaire.set_index("code").loc[["niveau_vie_median", "niveau_vie_d1", "niveau_vie_d9"], "agregation"]
    assert (medianes == "non_agregeable").all()


def test_definitions_lues_dans_le_dictionnaire_de_l_equipe(gn):
    """Chaque indicateur du dossier d'un territoire est défini une seule fois : dans
    ctg_data/social_indicateurs.yaml (libellé, définition, unité, règle) ; le module n'en définit aucun."""
    _, dossier, _, _, _ = gn
    assert not hasattr(bt, "INDICATEURS_EN_PLUS")
    texte = (Path(bt.__file__)).read_text(encoding="utf-8")
    assert not re.search(r'"(libelle|definition)": "\w', texte)  # aucun texte de définition écrit ici
    yaml_ = bs.charger_indicateurs().par_code
    with open(dossier / "indicateurs.csv", encoding="utf-8", newline="") as f:
        lignes = list(csv.DictReader(f))
    assert {l["code"] for l in lignes} == {*bt.INDICATEURS_FILOSOFI, *bt.INDICATEURS_NEET}
    for l in lignes:
        d = yaml_[l["code"]]
        assert (l["libelle"], l["unite"], l["agregation"]) == (d["libelle"], d["unite"], d["agregation"]), l["code"]
        assert l["definition"] == " ".join(d["definition"].split())
        assert "Défini dans" not in l["detail"]
    # Chaque code lu a sa colonne Filosofi, une seule table pour les deux constructions des territoires.
    assert set(bt.INDICATEURS_FILOSOFI) <= set(bt.COLONNES_FILOSOFI)


def test_indicateurs_des_seuls_territoires_hors_du_dictionnaire_de_dijon():
    """Les indicateurs « territoires_seulement » (aucune source de Dijon) ne sont pas écrits dans
    data/social_indicateurs.csv ; les autres y sont tous, dans l'ordre du YAML."""
    yaml_ = bs.charger_indicateurs().indicateurs
    seulement = {i["code"] for i in yaml_ if i.get("territoires_seulement")}
    assert {"niveau_vie_d9", "rapport_interdecile", "part_prestations_familiales", "part_minima_sociaux",
            "part_prestations_logement", "menages_fiscaux", "personnes_menages_fiscaux"} == seulement
    assert [l["code"] for l in bs.lignes_dictionnaire()] == [i["code"] for i in yaml_ if i["code"] not in seulement]
    with open(config.RACINE / "data" / "social_indicateurs.csv", encoding="utf-8", newline="") as f:
        livre = [l["code"] for l in csv.DictReader(f)]
    assert livre == [l["code"] for l in bs.lignes_dictionnaire()]


def test_manifeste_couverture_et_tailles(gn):
    rapport, dossier, social, manifeste, _ = gn
    source = filosofi("commune", 2019)
    codes = {r["CODGEO"] for r in composition() if r["EPCI"] == SIREN_GN}
    avec_mediane = sum(1 for c in codes if c in source and source[c]["Q219"] != "")
    couv = {(c["indicateur"], c["annee"]): c for c in manifeste["couverture_communes"]}
    assert couv[("niveau_vie_median", 2019)]["communes_avec_valeur"] == avec_mediane
    assert couv[("niveau_vie_median", 2019)]["communes"] == 55
    for (ind, annee), c in couv.items():
        lignes = social[(social["type_zone"] == "commune") & (social["indicateur"] == ind) & (social["annee"] == annee)]
        assert c["communes_avec_valeur"] == int(lignes["valeur"].notna().sum())
        assert c["communes_avec_valeur"] + sum(c["sans_valeur"].values()) == 55
    assert "INSEE, Filosofi, communes (2014–2016, 2018, 2019)" in manifeste["sources"]
    assert any("2017" in n for n in manifeste["non_couverts"])  # fichier communal 2017 absent des sources
    assert all(len(e["sha256"]) == 64 and e["depot"] and e["licence"] for e in manifeste["entrees"].values())
    assert manifeste["construit_le"]
    for nom, t in manifeste["fichiers"].items():
        assert (dossier / nom).stat().st_size == t["octets"]
    assert rapport.total_octets < 1_000_000


def test_un_autre_epci_non_livre(tmp_path):
    lignes = composition()
    siren = "242101442"  # CC de Saulieu : un autre EPCI de la composition, pas livré dans data/
    attendues = sorted(r["CODGEO"] for r in lignes if r["EPCI"] == siren)
    assert attendues
    rapport = bt.construire_territoire("saulieu", siren, reference=REFERENCE, sortie=tmp_path)
    assert [c for c, _ in rapport.communes] == attendues
    assert not (Path(__file__).resolve().parent.parent / "data" / "territoires" / "donnees" / "saulieu").exists()
    for nom in ("communes.geojson", "contour.geojson", "social.csv", "indicateurs.csv", "manifeste.json"):
        assert (tmp_path / "saulieu" / nom).stat().st_size > 0
    social = pd.read_csv(tmp_path / "saulieu" / "social.csv", dtype={"code_zone": str}, keep_default_na=False,
                         na_values={"valeur": [""]})
    epci = social[(social["type_zone"] == "EPCI") & (social["indicateur"] == "niveau_vie_median")].set_index("annee")
    for annee in (2014, 2015):  # même SIREN avant 2017 : valeur gardée, avec la note du périmètre d'alors
        if siren in filosofi("epci", annee):
            assert epci.loc[annee, "valeur"] == nombre(filosofi("epci", annee)[siren][f"Q2{annee % 100}"])
            assert "avant les fusions du 1er janvier 2017" in epci.loc[annee, "note"]
        else:
            assert pd.isna(epci.loc[annee, "valeur"])


def test_liste_explicite_de_communes(tmp_path):
    rapport = bt.construire_territoire("deux-communes", communes=["21464", "21295"], reference=REFERENCE,
                                       sortie=tmp_path, nom="Nuits et Gevrey")
    assert [c for c, _ in rapport.communes] == ["21295", "21464"]
    social = pd.read_csv(tmp_path / "deux-communes" / "social.csv", dtype={"code_zone": str})
    assert "EPCI" not in set(social["type_zone"])
    assert set(social.loc[social["type_zone"] == "commune", "code_zone"]) == {"21295", "21464"}


def test_siren_inconnu_message_en_francais(tmp_path):
    with pytest.raises(ErreurDonnees) as e:
        bt.construire_territoire("x", "999999999", reference=REFERENCE, sortie=tmp_path)
    message = str(e.value)
    assert "geo/epci_communes_2020_cotedor.csv" in message
    assert "colonne « EPCI »" in message and "SIREN « 999999999 » inconnu" in message
    with pytest.raises(ErreurDonnees, match="9 chiffres attendus"):
        bt.construire_territoire("x", "12AB", reference=REFERENCE, sortie=tmp_path)
    with pytest.raises(ErreurDonnees, match="commune « 99999 » absente"):
        bt.construire_territoire("x", communes=["99999"], reference=REFERENCE, sortie=tmp_path)
    with pytest.raises(ErreurDonnees, match="minuscules, chiffres et tirets"):
        bt.construire_territoire("Mauvais Id", SIREN_GN, reference=REFERENCE, sortie=tmp_path)
    assert not any(tmp_path.iterdir())  # rien d'écrit


def test_nombre_illisible_nomme_fichier_ligne_colonne(tmp_path):
    copie = tmp_path / "reference"
    shutil.copytree(REFERENCE / "geo", copie / "geo")
    shutil.copytree(REFERENCE / "socio" / "commune", copie / "socio" / "commune")
    chemin = copie / "socio/commune/filosofi_commune_2019_disp_cotedor.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    entete = lignes[0].split(";")
    numero = next(i for i, l in enumerate(lignes) if l.startswith("21464;"))
    cellules = lignes[numero].split(";")
    cellules[entete.index("Q219")] = "24x80"
    lignes[numero] = ";".join(cellules)
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees) as e:
        bt.construire_territoire("gevrey-nuits", SIREN_GN, reference=copie, sortie=tmp_path / "sortie")
    message = str(e.value)
    assert "socio/commune/filosofi_commune_2019_disp_cotedor.csv" in message
    assert f"ligne {numero + 1}" in message and "colonne « Q219 »" in message and "« 24x80 »" in message
    assert not (tmp_path / "sortie").exists()


def test_ligne_de_commande(tmp_path, capsys):
    assert bt.main(["--epci", SIREN_GN, "--id", "gevrey-nuits", "--reference", str(REFERENCE),
                    "--sortie", str(tmp_path), "--fusion", "21178=21513"]) == 0
    sortie = capsys.readouterr().out.splitlines()
    assert sum(1 for l in sortie if l.startswith("[territoire] [")) == 6  # une ligne par étape
    assert bt.main(["--epci", "999999999", "--id", "x", "--reference", str(REFERENCE), "--sortie", str(tmp_path)]) == 1
    assert "SIREN « 999999999 » inconnu" in capsys.readouterr().err


def test_donnees_livrees_a_jour(tmp_path):
    """data/territoires/donnees/gevrey-nuits/ est ce que donne la construction (avec la fusion déclarée)."""
    if not LIVRE.exists():
        pytest.fail(f"données livrées absentes : {LIVRE}")
    manifeste = json.loads((LIVRE / "manifeste.json").read_text(encoding="utf-8"))
    fusions = manifeste["parametres"]["fusions_declarees"]
    bt.construire_territoire("gevrey-nuits", SIREN_GN, reference=REFERENCE, sortie=tmp_path, fusions=fusions)
    for nom in ("communes.geojson", "contour.geojson", "social.csv", "indicateurs.csv"):
        assert (tmp_path / "gevrey-nuits" / nom).read_bytes() == (LIVRE / nom).read_bytes(), nom
    total = sum(f.stat().st_size for f in LIVRE.iterdir())
    assert total < 1_000_000
