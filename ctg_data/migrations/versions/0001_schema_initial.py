"""Schéma initial : comptes, valeurs d'indicateurs (versionnées), statuts manuels, conflits,
corrections d'équipements.

Révision : 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comptes",
        sa.Column("identifiant", sa.String(200), primary_key=True),
        sa.Column("nom", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),  # local | oidc
        sa.Column("sel", sa.String(64)),
        sa.Column("empreinte", sa.String(200)),
        sa.Column("actif", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "valeurs",
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
        sa.UniqueConstraint("plan", "indicateur", "zone", "periode", "version", name="uq_valeurs_version"),
    )
    op.create_index("ix_valeurs_cle", "valeurs", ["plan", "indicateur", "zone", "periode"])
    op.create_table(
        "statuts_manuels",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan", sa.String(100), nullable=False),
        sa.Column("indicateur", sa.String(100), nullable=False),
        sa.Column("statut", sa.String(30)),  # None : retour au statut calculé
        sa.Column("motif", sa.Text, nullable=False),
        sa.Column("auteur", sa.String(200), nullable=False),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "conflits",
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
    op.create_table(
        "corrections_equipements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("equipement", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("quartier", sa.String(100)),
        sa.Column("capacite", sa.Integer),
        sa.Column("etat", sa.String(20)),  # ouvert | fermé
        sa.Column("motif", sa.Text, nullable=False),
        sa.Column("auteur", sa.String(200), nullable=False),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
        sa.Column("annule_par", sa.Integer),  # id de l'annulation, si annulée
    )
    op.create_index("ix_corrections_equipement", "corrections_equipements", ["equipement"])


def downgrade() -> None:
    for table in ("corrections_equipements", "conflits", "statuts_manuels", "valeurs", "comptes"):
        op.drop_table(table)
