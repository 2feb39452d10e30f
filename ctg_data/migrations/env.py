"""Environnement Alembic : les migrations sont lancées par l'application (ctg_data.stockage.migrer),
jamais à la main."""

from alembic import context

connexion = context.config.attributes["connexion"]
context.configure(connection=connexion, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
