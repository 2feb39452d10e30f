"""Environnement Alembic : les migrations sont lancées par l'application (ctg_data.stockage.migrer),
jamais à la main.

``target_metadata`` : les tables décrites une seule fois dans ``ctg_data.tables`` ; une nouvelle
révision s'écrit à partir de leur différence avec une base à jour (voir ``tests/test_schema.py``).
"""

from alembic import context

from ctg_data.tables import meta

connexion = context.config.attributes["connexion"]
context.configure(connection=connexion, target_metadata=meta, render_as_batch=True,
                  compare_type=True, compare_server_default=True)
with context.begin_transaction():
    context.run_migrations()
