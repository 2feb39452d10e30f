"""Banc d'essai de charge, sur la boucle locale seulement : 10 sessions Chromium simultanées ouvrent la
carte, changent de quartier, puis ouvrent le plan d'actions. Nombre et durée bornés ; s'arrête seul.

    .venv/bin/python bench/charge_bench.py [--sessions 10]

Affiche le temps jusqu'aux marqueurs visibles (médiane, 95e centile) et le nombre d'erreurs, à côté
d'une référence : une seule session, mesurée dans le même lancement.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import ARGS_CHROMIUM, CHROMIUM, serveur  # noqa: E402

DUREE_MAX_S = 420


async def session(navigateur, url: str, n: int) -> tuple[list[float], list[str]]:
    contexte = await navigateur.new_context(viewport={"width": 1280, "height": 900})
    page = await contexte.new_page()
    page.set_default_timeout(120_000)
    temps, erreurs = [], []
    page.on("pageerror", lambda e: erreurs.append(f"session {n} : {e}"))
    try:
        for chemin in ("/carte", f"/carte?quartier={'gresilles' if n % 2 else 'fontaine-d-ouche'}"):
            debut = time.perf_counter()
            await page.goto(url + chemin)
            cadre = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            await cadre.locator(".leaflet-marker-icon").first.wait_for()
            temps.append(time.perf_counter() - debut)
        await page.goto(url + "/plan")
        await page.get_by_role("heading", name="Plan d'actions — CTG Dijon 2024-2027", level=1).wait_for()
        if await page.get_by_test_id("stException").count():
            erreurs.append(f"session {n} : exception affichée")
    except Exception as e:  # noqa: BLE001 — toute erreur de la session est comptée
        erreurs.append(f"session {n} : {e.__class__.__name__} {str(e)[:200]}")
    finally:
        await contexte.close()
    return temps, erreurs


async def charge(url: str, sessions: int):
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        navigateur = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS_CHROMIUM)
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(session(navigateur, url, n) for n in range(sessions))), DUREE_MAX_S)
        finally:
            await navigateur.close()


def resume(resultats) -> str:
    temps = sorted(t for r in resultats for t in r[0])
    erreurs = [e for r in resultats for e in r[1]]
    if not temps:
        return f"aucune carte affichée ; erreurs : {len(erreurs)}"
    p95 = temps[min(len(temps) - 1, int(0.95 * len(temps)))]
    return (f"{len(temps)} cartes affichées, médiane {statistics.median(temps):.2f} s, 95e centile {p95:.2f} s ; "
            f"erreurs : {len(erreurs)}")


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--sessions", type=int, default=10)
    args = parseur.parse_args()
    print("Banc d'essai de charge (bench/charge_bench.py)")
    print(f"Date : {dt.datetime.now():%d/%m/%Y %H:%M} ; machine : {platform.platform()}, 2 cœurs attendus")
    with tempfile.TemporaryDirectory() as d, serveur(Path(d) / "streamlit.log") as url:
        print("[bench] une session (référence)…", flush=True)
        seule = asyncio.run(charge(url, 1))
        print(f"[bench] {args.sessions} sessions simultanées…", flush=True)
        toutes = asyncio.run(charge(url, args.sessions))
    print(f"\n1 session          : {resume(seule)}")
    print(f"{args.sessions} sessions simultanées : {resume(toutes)}")
    for r in toutes:
        for e in r[1][:1]:
            print("  -", e.splitlines()[0][:160])


if __name__ == "__main__":
    main()
