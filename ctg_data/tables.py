"""Les tables du magasin, décrites une seule fois : types, champs obligatoires, valeurs par défaut,
contrainte d'unicité, index, clé étrangère.

Ces définitions servent au magasin (``ctg_data.stockage``), à la sauvegarde (``ctg_data.sauvegarde``)
et de ``target_metadata`` à Alembic (``ctg_data/migrations/env.py``). Les migrations
(``ctg_data/migrations/versions/``) sont l'historique figé qui amène une base à ce schéma : toute
modification ici demande une nouvelle révision, sinon ``tests/test_schema.py`` échoue (il compare une
base migrée jusqu'à la dernière révision avec ces définitions).

Seulement SQLAlchemy ici (ni Alembic, ni pandas).
"""

from __future__ import annotations

import sqlalchemy as sa

meta = sa.MetaData()

comptes = sa.Table(
    "comptes", meta,
    sa.Column("identifiant", sa.String(200), primary_key=True),
    sa.Column("nom", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),  # local | oidc
    sa.Column("sel", sa.String(64)),  # comptes locaux seulement
    sa.Column("empreinte", sa.String(200)),  # scrypt du mot de passe, comptes locaux seulement
    sa.Column("actif", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
)

valeurs = sa.Table(
    "valeurs", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", sa.String(100), nullable=False),
    sa.Column("indicateur", sa.String(100), nullable=False),
    sa.Column("zone", sa.String(100), nullable=False),
    sa.Column("periode", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("valeur", sa.Float),
    sa.Column("valeur_texte", sa.Text),
    sa.Column("commentaire", sa.Text),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    # Deux enregistrements simultanés de la même version : la base refuse le second (conflit).
    sa.UniqueConstraint("plan", "indicateur", "zone", "periode", "version", name="uq_valeurs_version"),
    sa.Index("ix_valeurs_cle", "plan", "indicateur", "zone", "periode"),
)

statuts_manuels = sa.Table(
    "statuts_manuels", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", sa.String(100), nullable=False),
    sa.Column("indicateur", sa.String(100), nullable=False),
    sa.Column("statut", sa.String(30)),  # libellé de ctg_data.vocabulaire.Statut ; vide : retour au calcul
    sa.Column("motif", sa.Text, nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
)

conflits = sa.Table(
    "conflits", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", sa.String(100), nullable=False),
    sa.Column("indicateur", sa.String(100), nullable=False),
    sa.Column("zone", sa.String(100), nullable=False),
    sa.Column("periode", sa.String(20), nullable=False),
    sa.Column("version_vue", sa.Integer, nullable=False),
    sa.Column("version_trouvee", sa.Integer, nullable=False),
    sa.Column("valeur_proposee", sa.Float),
    sa.Column("texte_propose", sa.Text),
    sa.Column("commentaire", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
)

corrections = sa.Table(
    "corrections_equipements", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("equipement", sa.String(20), nullable=False),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("quartier", sa.String(100)),
    sa.Column("capacite", sa.Integer),
    sa.Column("etat", sa.String(20)),  # ctg_data.vocabulaire.ETATS_EQUIPEMENT
    sa.Column("motif", sa.Text, nullable=False),
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    # Sur une correction annulée : l'id de la ligne qui l'annule.
    sa.Column("annule_par", sa.Integer),
    # Sur une annulation (ligne sans valeur corrigée) : l'id de la correction annulée (révision 0002).
    sa.Column("annulation_de", sa.Integer,
              sa.ForeignKey("corrections_equipements.id", name="fk_corrections_annulation_de")),
    sa.Index("ix_corrections_equipement", "equipement"),
)

# Révision 0003 : journal des connexions (réussies ou non) et résultats de géocodage enregistrés dans
# le magasin, avec leur auteur, comme toute écriture.
journal_connexions = sa.Table(
    "journal_connexions", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("identifiant", sa.String(200), nullable=False),  # tel que saisi (ou adresse OIDC)
    sa.Column("reussite", sa.Boolean, nullable=False),
    sa.Column("motif", sa.String(200), nullable=False),  # « connexion », « mot de passe incorrect », « compte verrouillé »…
    sa.Column("client", sa.String(200)),  # d'où : adresse ou empreinte du navigateur, si connue
    sa.Column("source", sa.String(10), nullable=False),  # local | oidc
    sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_journal_connexions_identifiant", "identifiant", "horodatage"),
    sa.Index("ix_journal_connexions_client", "client", "horodatage"),
)

geocodages = sa.Table(
    "geocodages", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("equipement", sa.String(20), nullable=False),
    sa.Column("cle", sa.Text, nullable=False),  # adresse normalisée (ctg_data.geocodage.cle_adresse)
    sa.Column("statut", sa.String(20), nullable=False),  # trouvé | non trouvé | ambigu
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("precision", sa.String(20)),  # adresse | rue
    sa.Column("score", sa.Float),
    sa.Column("libelle", sa.Text),  # adresse trouvée, telle que la BAN l'écrit
    sa.Column("source", sa.String(100), nullable=False),  # « API BAN », « fichier BAN (nom du fichier) »
    sa.Column("auteur", sa.String(200), nullable=False),
    sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_geocodages_equipement", "equipement", "horodatage"),
)

TABLES = [valeurs, statuts_manuels, conflits, corrections, comptes, journal_connexions, geocodages]
"""Toutes les tables du magasin, dans l'ordre où la sauvegarde les écrit et les restaure."""
