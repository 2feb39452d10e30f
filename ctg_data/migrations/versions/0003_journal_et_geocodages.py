"""Journal des connexions et résultats de géocodage dans le magasin.

- ``journal_connexions`` : chaque tentative de connexion (réussie ou non), qui, quand, d'où ; sert
  aussi à ralentir puis verrouiller un compte ou un client après des échecs répétés ;
- ``geocodages`` : chaque résultat de géocodage (trouvé, non trouvé, ambigu) d'un équipement, avec
  son auteur et sa date, comme toute écriture d'un éditeur.

Révision : 0003 (après 0002). Historique figé : ne pas modifier, ajouter une révision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_connexions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("identifiant", sa.String(200), nullable=False),
        sa.Column("reussite", sa.Boolean, nullable=False),
        sa.Column("motif", sa.String(200), nullable=False),
        sa.Column("client", sa.String(200)),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_journal_connexions_identifiant", "journal_connexions", ["identifiant", "horodatage"])
    op.create_index("ix_journal_connexions_client", "journal_connexions", ["client", "horodatage"])
    op.create_table(
        "geocodages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("equipement", sa.String(20), nullable=False),
        sa.Column("cle", sa.Text, nullable=False),
        sa.Column("statut", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("precision", sa.String(20)),
        sa.Column("score", sa.Float),
        sa.Column("libelle", sa.Text),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("auteur", sa.String(200), nullable=False),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_geocodages_equipement", "geocodages", ["equipement", "horodatage"])


def downgrade() -> None:
    op.drop_index("ix_geocodages_equipement", table_name="geocodages")
    op.drop_table("geocodages")
    op.drop_index("ix_journal_connexions_client", table_name="journal_connexions")
    op.drop_index("ix_journal_connexions_identifiant", table_name="journal_connexions")
    op.drop_table("journal_connexions")
