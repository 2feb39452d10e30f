"""Le plan d'actions en données : contenu transcrit et refus des fichiers invalides."""

import shutil

import pytest
import yaml

from ctg_data.catalogue import charger
from ctg_data.erreurs import ErreurDonnees
from ctg_data.plan import charger_plan, lister_plans

ID = "ctg-dijon-2024-2027"


@pytest.fixture(scope="module")
def plan():
    return charger_plan(ID)


def test_structure_du_plan(plan):
    assert [a.titre for a in plan.axes] == ["Petite enfance", "Enfance", "Jeunesse", "Animation de la vie sociale"]
    assert [f.id for f in plan.fiches] == [
        "PE1", "PE2", "PE3", "PE4", "PE5", "EN1", "EN2", "EN3", "EN4", "EN5", "JE1", "JE2", "JE3", "AVS1", "AVS2"]
    assert len(plan.indicateurs()) == sum(len(f.indicateurs) for f in plan.fiches) == 55
    assert plan.gouvernance is not None and plan.gouvernance.instances


def test_fiches_sans_indicateur_disent_pourquoi(plan):
    sans = {f.id: f.sans_indicateur for f in plan.fiches if not f.indicateurs}
    assert set(sans) == {"PE5", "EN1", "EN4"}
    assert all("ligne" in raison for raison in sans.values())


def test_rien_d_invente(plan):
    """Le document ne donne ni cible chiffrée ni sens d'évolution : tout reste « à définir »."""
    indicateurs = plan.indicateurs()
    assert indicateurs["cible"].isna().all() and indicateurs["reference"].isna().all()
    assert indicateurs["sens"].isna().all()
    assert indicateurs["source"].str.contains("Annexe 3").all()


def test_series_de_contexte_existent(plan):
    codes = set(charger("portrait")["code"])
    for axe in plan.axes:
        assert axe.contexte and set(axe.contexte) <= codes, axe.id


def test_plans_listes():
    assert ID in lister_plans()


def copie(tmp_path):
    dossier = tmp_path / "data"
    shutil.copytree(charger_plan.__globals__["config"].dossier_donnees(), dossier)
    return dossier, dossier / "plans" / ID / "plan.yaml"


def erreur(dossier):
    with pytest.raises(ErreurDonnees) as e:
        charger_plan(ID, dossier)
    return e.value


def test_axe_inconnu_refuse(tmp_path):
    dossier, fichier = copie(tmp_path)
    contenu = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    contenu["fiches"][1]["axe"] = "A9"
    fichier.write_text(yaml.safe_dump(contenu, allow_unicode=True), encoding="utf-8")
    e = erreur(dossier)
    assert e.fichier == f"plans/{ID}/plan.yaml"
    assert "la fiche « PE2 » cite l'axe inconnu « A9 »" in str(e)


def test_champ_manquant_et_type_inconnu(tmp_path):
    dossier, fichier = copie(tmp_path)
    contenu = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    del contenu["fiches"][0]["titre"]
    contenu["fiches"][1]["indicateurs"][0]["type"] = "impact"
    fichier.write_text(yaml.safe_dump(contenu, allow_unicode=True), encoding="utf-8")
    message = str(erreur(dossier))
    assert "colonne « fiches[1] > titre (objet PE1) » : champ obligatoire absent" in message
    assert "fiches[2] > indicateurs[1] > type (objet PE2 > PE2-I1)" in message
    assert "« impact » : valeur non admise" in message


def test_yaml_illisible(tmp_path):
    dossier, fichier = copie(tmp_path)
    fichier.write_text("id: x\ntitre: [non fermé\n", encoding="utf-8")
    e = erreur(dossier)
    assert "YAML illisible" in str(e) and e.problemes[0].ligne is not None
