"""Annulation d'une correction d'équipement : un champ, plus un préfixe du motif.

Jusqu'ici, ``annuler_correction`` ajoutait une ligne dont le motif commençait par « Annulation de la
correction n° … » (et dont ``annule_par`` contenait, à contre-sens, l'id de la correction annulée) ;
la lecture reconnaissait les annulations à ce préfixe. Désormais :

- ``annulation_de`` (nouvelle colonne, clé étrangère vers ``corrections_equipements.id``) : sur une
  ligne d'annulation, l'id de la correction annulée ; vide sur une correction ;
- ``annule_par`` : sur une correction annulée seulement, l'id de la ligne qui l'annule.

Les lignes existantes dont le motif commence par ce préfixe deviennent des annulations par le champ
(correction visée : ``annule_par`` de la ligne, sinon le numéro écrit dans le motif, si cette
correction existe) ; leur motif est gardé tel quel, c'est le texte lu par les personnes.

Révision : 0002 (après 0001). Historique figé : ne pas modifier, ajouter une révision.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PREFIXE = "Annulation de la correction n° "
NUMERO = re.compile(r"^Annulation de la correction n° (\d+)")

corrections = sa.table(
    "corrections_equipements",
    sa.column("id", sa.Integer), sa.column("motif", sa.Text),
    sa.column("annule_par", sa.Integer), sa.column("annulation_de", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("corrections_equipements") as lot:
        lot.add_column(sa.Column("annulation_de", sa.Integer))
        lot.create_foreign_key("fk_corrections_annulation_de", "corrections_equipements", ["annulation_de"], ["id"])

    connexion = op.get_bind()
    lignes = connexion.execute(sa.select(corrections.c.id, corrections.c.motif, corrections.c.annule_par)
                               .order_by(corrections.c.id)).all()
    existantes = {ligne.id: ligne.annule_par for ligne in lignes}
    for ligne in lignes:
        if not (ligne.motif or "").startswith(PREFIXE):
            continue
        numero = NUMERO.match(ligne.motif)
        visee = ligne.annule_par if ligne.annule_par is not None else (int(numero.group(1)) if numero else None)
        if visee is None or visee == ligne.id or visee not in existantes:
            continue  # ne désigne aucune correction : pas une annulation écrite par l'application
        connexion.execute(corrections.update().where(corrections.c.id == ligne.id)
                          .values(annulation_de=visee, annule_par=None))
        if existantes[visee] is None:
            connexion.execute(corrections.update().where(corrections.c.id == visee).values(annule_par=ligne.id))
            existantes[visee] = ligne.id


def downgrade() -> None:
    connexion = op.get_bind()
    connexion.execute(corrections.update().where(corrections.c.annulation_de.is_not(None))
                      .values(annule_par=corrections.c.annulation_de))
    with op.batch_alter_table("corrections_equipements") as lot:
        lot.drop_constraint("fk_corrections_annulation_de", type_="foreignkey")
        lot.drop_column("annulation_de")
