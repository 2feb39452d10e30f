"""Statuts des indicateurs, des fiches et des axes : chaque sens et chaque cas limite."""

import datetime as dt

import pandas as pd
import pytest

from ctg_data.suivi import (
    A_RENSEIGNER, ABANDONNE, ATTEINT, EN_COURS, NON_ATTEINT, statut_calcule, statut_groupe,
    statuts_indicateurs, synthese,
)

AUJOURDHUI = dt.date(2026, 6, 1)


@pytest.mark.parametrize("valeur,annee_valeur,cible,annee_cible,sens,attendu", [
    # aucune valeur : rien à juger
    (None, None, 100, 2027, "hausse", A_RENSEIGNER),
    (None, None, None, None, None, A_RENSEIGNER),
    # pas de cible ou pas de sens : valeur saisie, atteinte impossible à juger
    (50, 2025, None, None, "hausse", EN_COURS),
    (50, 2025, 100, 2027, None, EN_COURS),
    (50, 2025, 100, 2027, "qualitatif", EN_COURS),
    # hausse
    (120, 2025, 100, 2027, "hausse", ATTEINT),
    (100, 2025, 100, 2027, "hausse", ATTEINT),  # cible pile atteinte
    (80, 2025, 100, 2027, "hausse", EN_COURS),  # échéance à venir
    (80, 2027, 100, 2027, "hausse", NON_ATTEINT),  # valeur de l'année de la cible
    (80, 2024, 100, 2025, "hausse", NON_ATTEINT),  # année de la cible passée
    # baisse
    (8, 2025, 10, 2027, "baisse", ATTEINT),
    (12, 2025, 10, 2027, "baisse", EN_COURS),
    (12, 2027, 10, 2027, "baisse", NON_ATTEINT),
    # maintien : rester au moins au niveau de la cible
    (10, 2025, 10, 2027, "maintien", ATTEINT),
    (9, 2027, 10, 2027, "maintien", NON_ATTEINT),
    # cible sans année : jamais « non atteint »
    (80, 2030, 100, None, "hausse", EN_COURS),
])
def test_statut_calcule(valeur, annee_valeur, cible, annee_cible, sens, attendu):
    assert statut_calcule(valeur, annee_valeur, cible, annee_cible, sens, AUJOURDHUI) == attendu


def test_cible_deja_atteinte_a_la_reference():
    """La référence atteint déjà la cible, mais rien n'est saisi : « à renseigner », pas « atteint »."""
    assert statut_calcule(None, None, 100, 2027, "hausse", AUJOURDHUI) == A_RENSEIGNER
    assert statut_calcule(100, 2024, 100, 2027, "hausse", AUJOURDHUI) == ATTEINT


def test_valeur_textuelle_en_cours():
    assert statut_calcule(None, 2025, 100, 2027, "hausse", AUJOURDHUI, a_une_valeur=True) == EN_COURS


@pytest.mark.parametrize("statuts,attendu", [
    ([], A_RENSEIGNER),
    ([A_RENSEIGNER, A_RENSEIGNER], A_RENSEIGNER),
    ([ATTEINT, ATTEINT], ATTEINT),
    ([ATTEINT, ABANDONNE], ATTEINT),
    ([ABANDONNE], A_RENSEIGNER),
    ([ATTEINT, NON_ATTEINT], NON_ATTEINT),
    ([NON_ATTEINT, EN_COURS], EN_COURS),
    ([ATTEINT, A_RENSEIGNER], EN_COURS),
])
def test_statut_groupe(statuts, attendu):
    assert statut_groupe(statuts) == attendu


def indicateurs():
    return pd.DataFrame([
        {"indicateur": "I1", "fiche": "F1", "axe": "A1", "cible": 100.0, "cible_annee": 2027, "sens": "hausse"},
        {"indicateur": "I2", "fiche": "F1", "axe": "A1", "cible": None, "cible_annee": None, "sens": None},
        {"indicateur": "I3", "fiche": "F2", "axe": "A1", "cible": 10.0, "cible_annee": 2025, "sens": "baisse"},
    ])


def courantes(*lignes):
    colonnes = ["indicateur", "zone", "periode", "valeur", "valeur_texte", "source", "commentaire", "horodatage"]
    return pd.DataFrame(lignes, columns=colonnes)


def test_sans_valeurs_tout_a_renseigner():
    statuts = statuts_indicateurs(indicateurs(), courantes(), pd.DataFrame(), AUJOURDHUI)
    assert set(statuts["statut"]) == {A_RENSEIGNER}
    assert set(synthese(statuts, "fiche")["statut"]) == {A_RENSEIGNER}


def test_derniere_valeur_de_dijon_puis_des_quartiers():
    t = pd.Timestamp("2026-01-01", tz="UTC")
    valeurs = courantes(
        ("I1", "Dijon", "2024", 60.0, None, "s", None, t),
        ("I1", "Dijon", "2025", 110.0, None, "s", None, t),
        ("I1", "Grésilles", "2026", 20.0, None, "s", None, t),
        ("I3", "Grésilles", "2025", 12.0, None, "s", None, t),
    )
    statuts = statuts_indicateurs(indicateurs(), valeurs, pd.DataFrame(), AUJOURDHUI).set_index("indicateur")
    assert (statuts.loc["I1", "derniere_valeur"], statuts.loc["I1", "statut"]) == (110.0, ATTEINT)
    assert (statuts.loc["I3", "derniere_zone"], statuts.loc["I3", "statut"]) == ("Grésilles", NON_ATTEINT)
    assert statuts.loc["I2", "statut"] == A_RENSEIGNER
    par_fiche = synthese(statuts.reset_index(), "fiche").set_index("fiche")
    assert par_fiche.loc["F1", "statut"] == EN_COURS and par_fiche.loc["F1", ATTEINT] == 1
    assert par_fiche.loc["F2", "statut"] == NON_ATTEINT


def test_statut_manuel_l_emporte():
    t = pd.Timestamp("2026-01-01", tz="UTC")
    manuels = pd.DataFrame([{"indicateur": "I2", "statut": ABANDONNE, "auteur": "agent1", "motif": "reporté"}])
    statuts = statuts_indicateurs(indicateurs(), courantes(("I2", "Dijon", "2025", 3.0, None, "s", None, t)),
                                  manuels, AUJOURDHUI).set_index("indicateur")
    assert (statuts.loc["I2", "statut_calcule"], statuts.loc["I2", "statut"]) == (EN_COURS, ABANDONNE)
    assert statuts.loc["I2", "statut_manuel_par"] == "agent1"
