"""Banc d'essai de l'import de valeurs : 1 000 lignes, de la lecture du fichier à l'enregistrement.

    .venv/bin/python bench/import_bench.py [--lignes 1000] [--base URL]

Mesure côte à côte, dans le même lancement et sur des bases SQLite neuves :
- notre import : lecture du CSV, validation, aperçu, puis ``Stockage.enregistrer_lot`` (une seule
  transaction, tout ou rien) ;
- une référence naïve : les mêmes lignes enregistrées une à une (``enregistrer_valeur``, une
  transaction chacune).
Affiche temps (médiane de 3) et mémoire (pic Python mesuré par tracemalloc, et RSS du processus).
Les valeurs sont fictives et n'existent que dans ce banc d'essai (bases temporaires).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from ctg_data import saisie  # noqa: E402
from ctg_data.plan import charger_plan  # noqa: E402
from ctg_data.stockage import Stockage  # noqa: E402

PLAN = "ctg-dijon-2024-2027"
MOT_DE_PASSE = "mot de passe du banc d'essai"


def fichier_fictif(plan, n: int) -> bytes:
    """n lignes distinctes (indicateur × zone × mois), valeurs fictives."""
    indicateurs = list(plan.indicateurs()["indicateur"])
    zones = ["Dijon", "Bourroches", "Centre-ville", "Chevreul-Parc", "Fontaine d'Ouche", "Grésilles",
             "Maladière", "Montchapet", "Toison d'Or", "Université"]
    lignes = ["indicateur;zone;periode;valeur;commentaire;source"]
    k = 0
    for annee in range(2024, 2040):
        for mois in range(1, 13):
            for zone in zones:
                for ind in indicateurs:
                    if k == n:
                        return ("\n".join(lignes) + "\n").encode()
                    lignes.append(f"{ind};{zone};{annee}-{mois:02d};{k % 97},5;;Banc d'essai (valeur fictive)")
                    k += 1
    raise ValueError("trop de lignes demandées")


def base_neuve(dossier: Path, nom: str) -> tuple[Stockage, object]:
    s = Stockage(f"sqlite:///{dossier / nom}")
    s.creer_compte("banc", "Banc d'essai", MOT_DE_PASSE)
    return s, s.authentifier("banc", MOT_DE_PASSE)


def notre_import(stockage, identite, plan, contenu: bytes, zones) -> int:
    df = saisie.lire_fichier(contenu, "import.csv")
    lignes = saisie.valider(df, plan, zones, "import.csv")
    apercu = saisie.apercu(lignes, stockage.valeurs_courantes(PLAN))
    return stockage.enregistrer_lot(identite, PLAN, saisie.a_enregistrer(apercu))


def import_naif(stockage, identite, plan, contenu: bytes, zones) -> int:
    lignes = saisie.valider(saisie.lire_fichier(contenu, "import.csv"), plan, zones, "import.csv")
    for l in lignes:
        stockage.enregistrer_valeur(identite, PLAN, l["indicateur"], l["zone"], l["periode"], valeur=l["valeur"],
                                    valeur_texte=l["valeur_texte"], commentaire=l["commentaire"], source=l["source"],
                                    version_vue=0)
    return len(lignes)


def mesurer(fonction, plan, contenu, zones, repetitions: int, nom: str):
    temps, pics = [], []
    for i in range(repetitions):
        with tempfile.TemporaryDirectory() as d:
            stockage, identite = base_neuve(Path(d), "banc.sqlite3")
            stockage.migrer()
            print(f"\r[bench] {nom} : mesure {i + 1}/{repetitions}…", end="", flush=True)
            tracemalloc.start()
            debut = time.perf_counter()
            n = fonction(stockage, identite, plan, contenu, zones)
            temps.append(time.perf_counter() - debut)
            pics.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            assert len(stockage.historique(PLAN)) == n
            stockage.moteur.dispose()
    print()
    return statistics.median(temps), max(pics), n


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--lignes", type=int, default=1000)
    args = parseur.parse_args()
    plan = charger_plan(PLAN)
    zones = ["Dijon", "Bourroches", "Centre-ville", "Chevreul-Parc", "Fontaine d'Ouche", "Grésilles",
             "Maladière", "Montchapet", "Toison d'Or", "Université"]
    contenu = fichier_fictif(plan, args.lignes)
    print("Banc d'essai de l'import de valeurs (bench/import_bench.py)")
    print(f"Date : {dt.datetime.now():%d/%m/%Y %H:%M} ; machine : {platform.platform()} ; Python {platform.python_version()} ; pandas {pd.__version__}")
    print(f"Fichier : {args.lignes} lignes, {len(contenu) / 1024:.1f} Ko ; base : SQLite (fichier temporaire)\n")
    nous = mesurer(notre_import, plan, contenu, zones, 3, "notre import (un lot, une transaction)")
    naif = mesurer(import_naif, plan, contenu, zones, 3, "référence naïve (une transaction par ligne)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'Cas':45} {'Lignes':>7} {'Temps (ms)':>11} {'Pic mémoire Python (Mo)':>25}")
    for nom, (t, pic, n) in (("Notre import (lecture, validation, aperçu, lot)", nous),
                             ("Référence naïve (ligne à ligne)", naif)):
        print(f"{nom:45} {n:>7} {t * 1000:>11.0f} {pic / 1024 / 1024:>25.1f}")
    print(f"\nRapport de vitesse : {naif[0] / nous[0]:.1f}× ; RSS maximal du processus : {rss:.0f} Mo")


if __name__ == "__main__":
    main()
