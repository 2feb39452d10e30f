"""Banc d'essai de charge, sur la boucle locale seulement : 10 sessions Chromium simultanées ouvrent la
carte, changent de quartier, puis ouvrent le plan d'actions. Nombre et durée bornés ; s'arrête seul.

    .venv/bin/python bench/charge_bench.py [--sessions 10]

Affiche le temps jusqu'aux marqueurs visibles (médiane, 95e centile) et le nombre d'erreurs, à côté
d'une référence : une seule session, mesurée dans le même lancement.

Le scénario est celui du test de charge (``tests/test_charge.py``) : il est écrit une seule fois,
dans ``tests/charge.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.charge import DUREE_MAX_S, chiffres, lancer, resume  # noqa: E402
from tests.conftest import serveur  # noqa: E402

SESSIONS_MAX = 20


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--sessions", type=int, default=10, choices=range(1, SESSIONS_MAX + 1), metavar=f"1..{SESSIONS_MAX}")
    args = parseur.parse_args()
    print("Banc d'essai de charge (bench/charge_bench.py, scénario de tests/charge.py)")
    print(f"Date : {dt.datetime.now():%d/%m/%Y %H:%M} ; machine : {platform.platform()}, 2 cœurs attendus")
    print(f"Durée bornée : {DUREE_MAX_S} s par charge au plus.")
    # Magasin SQLite temporaire : var/ctg.sqlite3 n'est pas touché.
    with tempfile.TemporaryDirectory() as d, \
         serveur(Path(d) / "streamlit.log", CTG_DATABASE_URL=f"sqlite:///{Path(d) / 'ctg.sqlite3'}") as url:
        print(f"[bench] {args.sessions} sessions simultanées sur le serveur neuf…", flush=True)
        froid = lancer(url, args.sessions)
        print("[bench] une session seule, serveur chaud (référence)…", flush=True)
        seule = lancer(url, 1)
        print(f"[bench] {args.sessions} sessions simultanées, serveur chaud…", flush=True)
        toutes = lancer(url, args.sessions)
    print(f"\n1 session, serveur chaud (référence)      : {resume(seule)}")
    print(f"{args.sessions} sessions simultanées, serveur neuf : {resume(froid)}")
    print(f"{args.sessions} sessions simultanées, serveur chaud : {resume(toutes)}")
    refusees = sum(chiffres(r)["refusees"] for r in (froid, seule, toutes))
    print(f"Requêtes hors boucle locale refusées : {refusees}")
    for s in froid + seule + toutes:
        for e in s.erreurs[:1]:
            print("  -", e.splitlines()[0][:160])


if __name__ == "__main__":
    main()
