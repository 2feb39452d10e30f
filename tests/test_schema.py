"""Le schéma du magasin est écrit une fois (``ctg_data.tables``) : une base migrée par Alembic jusqu'à la
dernière révision lui est identique, sur SQLite et sur PostgreSQL, et toute dérive (colonne ajoutée
dans le code sans migration…) est détectée. Migration 0002 : les annulations d'une base 0001 deviennent
des champs."""

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ctg_data.stockage import ErreurStockage, Stockage, configuration_alembic, revisions
from ctg_data.tables import TABLES, meta

MOT_DE_PASSE = "un mot de passe assez long"


def differences(moteur: sa.Engine, metadonnees: sa.MetaData) -> list:
    """Ce qu'Alembic (autogenerate) changerait à la base pour qu'elle suive ``metadonnees`` : types,
    champs obligatoires, valeurs par défaut, index, contraintes, tables et colonnes."""
    with moteur.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={
            "compare_type": True, "compare_server_default": True, "target_metadata": metadonnees})
        return compare_metadata(contexte, metadonnees)


def copie(metadonnees: sa.MetaData) -> sa.MetaData:
    autre = sa.MetaData()
    for table in metadonnees.sorted_tables:
        table.to_metadata(autre)
    return autre


@pytest.fixture
def base_a_jour(url_base):
    s = Stockage(url_base)
    s.migrer()
    yield s
    s.moteur.dispose()


def test_base_migree_identique_aux_definitions(base_a_jour):
    assert differences(base_a_jour.moteur, meta) == []
    with base_a_jour.moteur.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == revisions()[-1]
    assert {t.name for t in TABLES} == set(meta.tables)


def test_derive_detectee(base_a_jour):
    """Ce que le test précédent verrait si quelqu'un changeait ``ctg_data.tables`` sans migration."""
    colonne_en_plus = copie(meta)
    colonne_en_plus.tables["corrections_equipements"].append_column(sa.Column("photo", sa.Text))
    assert [d[0] for d in differences(base_a_jour.moteur, colonne_en_plus)] == ["add_column"]

    facultatif = copie(meta)
    facultatif.tables["valeurs"].c.source.nullable = True
    assert differences(base_a_jour.moteur, facultatif)

    sans_index = copie(meta)
    sans_index.tables["valeurs"].indexes.clear()
    assert [d[0] for d in differences(base_a_jour.moteur, sans_index)] == ["remove_index"]

    plus_court = copie(meta)
    plus_court.tables["comptes"].c.nom.type = sa.String(50)
    assert differences(base_a_jour.moteur, plus_court)


def test_revisions():
    """Une seule lignée de révisions, de 0001 (figée) à la tête."""
    liste = revisions()
    assert liste[:2] == ["0001", "0002"] and len(set(liste)) == len(liste)


# --- Migration 0002 : l'annulation devient un champ --------------------------------------------
anciennes_corrections = sa.table(
    "corrections_equipements",
    *(sa.column(n, t) for n, t in [
        ("id", sa.Integer), ("equipement", sa.String), ("lat", sa.Float), ("lon", sa.Float),
        ("capacite", sa.Integer), ("etat", sa.String), ("motif", sa.Text), ("auteur", sa.String),
        ("horodatage", sa.DateTime(timezone=True)), ("annule_par", sa.Integer)]),
)


def test_migration_0002_annulations_d_une_base_0001(url_base):
    """Une base remplie par l'application à la révision 0001 : ses annulations (reconnues jusqu'ici au
    préfixe du motif) deviennent des annulations par le champ ``annulation_de``, motifs inchangés."""
    moteur = sa.create_engine(url_base)
    heure = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
    ancien = {"lat": None, "lon": None, "capacite": None, "etat": None, "auteur": "agent1", "horodatage": heure,
              "annule_par": None}
    lignes = [
        ancien | {"id": 1, "equipement": "EQ006", "lat": 47.33, "lon": 5.06, "motif": "vu sur place", "annule_par": 3},
        ancien | {"id": 2, "equipement": "EQ006", "capacite": 40, "etat": "fermé", "motif": "agrément PMI"},
        # Annulation écrite par l'ancienne application : annule_par = la correction annulée.
        ancien | {"id": 3, "equipement": "EQ006", "motif": "Annulation de la correction n° 1 : mauvais bâtiment",
                  "annule_par": 1},
        ancien | {"id": 4, "equipement": "EQ011", "etat": "fermé", "motif": "travaux", "annule_par": 5},
        # Sans annule_par : la correction visée est lue dans le motif.
        ancien | {"id": 5, "equipement": "EQ011", "motif": "Annulation de la correction n° 4 : rouvert"},
    ]
    try:
        with moteur.begin() as c:
            command.upgrade(configuration_alembic(c), "0001")
            c.execute(anciennes_corrections.insert(), lignes)
    finally:
        moteur.dispose()

    s = Stockage(url_base)
    try:
        s.migrer()
        assert differences(s.moteur, meta) == []
        historique = s.historique_corrections().set_index("id")
        assert historique["annulation_de"].dropna().astype(int).to_dict() == {3: 1, 5: 4}
        assert historique.loc[1, "annule_par"] == 3 and historique.loc[4, "annule_par"] == 5
        assert historique[["annule_par"]].loc[[2, 3, 5]].isna().all().all()
        assert historique.loc[3, "motif"] == "Annulation de la correction n° 1 : mauvais bâtiment"
        actives = s.corrections_actives().set_index("id")
        assert list(actives.index) == ["EQ006"]  # EQ011 : sa seule correction est annulée
        assert pd.isna(actives.loc["EQ006", "lat"])
        assert (actives.loc["EQ006", "capacite"], actives.loc["EQ006", "etat"]) == (40, "fermé")
        assert actives.loc["EQ006", "id_correction"] == 2
        # Une annulation migrée ne s'annule pas ; une correction déjà annulée non plus.
        s.creer_compte("agent1", "Agent Un", MOT_DE_PASSE)
        agent = s.authentifier("agent1", MOT_DE_PASSE)
        with pytest.raises(ErreurStockage, match="ne s'annule pas"):
            s.annuler_correction(agent, 3, "essai")
        with pytest.raises(ErreurStockage, match="déjà été annulée"):
            s.annuler_correction(agent, 4, "essai")
    finally:
        s.moteur.dispose()
