"""Test de charge : 10 sessions Chromium simultanées sur la boucle locale (scénario de
``tests/charge.py``, le même que ``bench/charge_bench.py``).

Chaque session ouvre la carte, change de quartier, puis ouvre le plan d'actions. On exige 0 erreur
et tous les affichages ; les temps (médiane, 95e centile jusqu'aux marqueurs visibles) sont
seulement affichés (``-s``) et enregistrés dans le rapport JUnit (``--junitxml``, propriétés
``charge_*`` de la suite) : aucun test chronométré. Les attentes sont bornées largement
(``ATTENTE_MS`` chacune, ``DUREE_MAX_S`` pour la charge, ``DUREE_REFERENCE_S`` pour la session
seule) : le test s'arrête seul, en une vingtaine de minutes au pire (2 minutes environ d'habitude
sur 2 cœurs).

Hors ligne : voir ``tests/charge.py`` (mandataire inexistant plutôt qu'interception des requêtes,
trop coûteuse sous charge).

Les 10 sessions arrivent ensemble sur un **serveur neuf** et un magasin vide (rien n'est encore
importé, migré ni en cache) : une salle qui ouvre le lien au même moment. C'est le cas qui faisait
tomber l'application (migrations Alembic concurrentes, import de ``pages.ui`` interrompu par
``st.rerun()``, erreurs de segmentation de SQLite), corrigé le 22/11/2026 ; le journal du serveur ne
doit contenir aucune trace d'exception. La session de référence passe ensuite, seule, sur le
serveur chaud.
"""

from __future__ import annotations

import time

import pytest

from tests.charge import TITRE_PLAN, chiffres, erreurs, lancer, resume
from tests.conftest import CHROMIUM, serveur

pytestmark = pytest.mark.navigateur

SESSIONS = 10
DUREE_REFERENCE_S = 240


def test_dix_sessions_simultanees_sans_erreur(tmp_path, record_testsuite_property):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} absent : installez le paquet Debian chromium")
    debut = time.monotonic()
    # Données livrées (data/), magasin SQLite temporaire : var/ n'est pas touché.
    with serveur(tmp_path / "streamlit.log", CTG_DATABASE_URL=f"sqlite:///{tmp_path / 'ctg.sqlite3'}") as url:
        # Les 10 sessions d'abord, sur le serveur neuf ; puis la référence, seule, serveur chaud.
        resultats = lancer(url, SESSIONS)
        reference = lancer(url, 1, DUREE_REFERENCE_S)
    duree = time.monotonic() - debut
    journal = (tmp_path / "streamlit.log").read_text(encoding="utf-8", errors="replace")

    c = chiffres(resultats)
    print(f"\n[charge] 1 session : {resume(reference)}")
    print(f"[charge] {SESSIONS} sessions simultanées : {resume(resultats)}")
    print(f"[charge] requêtes hors boucle locale refusées : {c['refusees']} ; durée du test : {duree:.0f} s")
    for e in erreurs(reference + resultats):
        print("  -", e)
    for cle in ("cartes", "p50", "p95", "erreurs", "refusees"):
        record_testsuite_property(f"charge_{cle}", round(c[cle], 2) if isinstance(c[cle], float) else c[cle])
    record_testsuite_property("charge_reference_p50", round(chiffres(reference)["p50"] or 0, 2))
    record_testsuite_property("charge_duree_s", round(duree))

    assert erreurs(reference + resultats) == []
    assert "Traceback" not in journal, journal[journal.find("Traceback"):][:3000]
    assert len(resultats) == SESSIONS
    for s in resultats:
        # Deux cartes (tout Dijon, puis le quartier choisi) avec leurs marqueurs, puis le plan.
        assert len(s.temps) == 2, s
        assert "— tout Dijon (" in s.titres[0], s.titres
        assert f"— quartier {s.nom_quartier} (" in s.titres[1], s.titres
        assert s.adresse_quartier.endswith(f"/carte?quartier={s.quartier}"), s.adresse_quartier
        assert s.plan, f"session {s.numero} : titre « {TITRE_PLAN} » non affiché"
    # Les deux quartiers ont bien été choisis (une session sur deux chacun).
    assert {s.quartier for s in resultats} == {"gresilles", "fontaine-d-ouche"}
