"""Banc d'essai des pages : réexécution après un changement de filtre, premier affichage, mémoire du
serveur, carte de Dijon.

Lancer depuis la racine du projet :

    .venv/bin/python bench/pages_bench.py              # ≈ 2 min 30 sur 2 cœurs
    .venv/bin/python bench/pages_bench.py --sans-navigateur   # sans la mesure de mémoire (Chromium)

Ce n'est pas un test : le script n'échoue pas, il affiche des chiffres et dit si les objectifs sont
atteints. Chaque mesure est faite côte à côte, dans le même lancement, avec une **page triviale** de
référence (un fichier d'une ligne, ``st.write("ok")``) mesurée de la même façon :

1. **Réexécution après un changement de filtre** (``streamlit.testing.v1.AppTest``) : pour chaque
   page de la navigation (``app.py``), l'application est lancée une fois, on va sur la page, puis on
   mesure 20 réexécutions où le quartier partagé (``st.session_state["quartier"]``) passe
   alternativement de « Grésilles » à « Tout Dijon ». Médiane en ms et rapport à la page triviale.
   Repères : des pages d'une seule brique (un tableau, un graphique altair, une carte folium vide),
   mesurées de la même façon.
   La page de saisie est mesurée avec un éditeur connecté (compte créé dans une base SQLite
   temporaire, ``CTG_DATABASE_URL``). Objectif : chaque page ≤ 3× la page triviale.
2. **Premier affichage complet** : ``AppTest.from_file("app.py").run()`` dans un processus neuf
   (médiane de 5 processus), rapporté au premier affichage de la page triviale mesuré de même
   (l'import de Streamlit, commun aux deux, n'est pas compté). Objectif : ≤ 2,5×.
3. **Mémoire du serveur** : RSS (``VmRSS`` de ``/proc/<pid>/status``, processus enfants compris) du
   serveur lancé par ``tests.conftest.serveur`` (commande du README), avec 1 puis 10 sessions
   Chromium ouvertes sur la carte (marqueurs affichés), comparé au serveur de la page triviale.
   Objectif : ≤ 500 Mo à 10 sessions.
4. **Carte de Dijon** : taille HTML et temps de construction, par les fonctions de
   ``bench/map_bench.py`` (notre carte et la carte naïve).

Tout se passe sur la boucle locale (127.0.0.1) ; les requêtes du navigateur vers l'extérieur sont
bloquées. Les données de ``data/`` ne sont pas modifiées ; le magasin utilisé est une base SQLite
temporaire.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

PAGES = ["accueil", "carte", "contexte", "portrait", "plan", "recapitulatif", "acteurs", "seminaire", "donnees",
         "saisie"]
QUARTIERS = ["Grésilles", ""]  # "" : tout le territoire
REEXECUTIONS = 20
PREMIERS = 5
SESSIONS = (1, 10)
OBJECTIF_REEXECUTION = 3.0
OBJECTIF_PREMIER = 2.5
OBJECTIF_MEMOIRE_MO = 500
MOT_DE_PASSE = "mot de passe du banc d'essai"
DELAI = 120


def afficher(message: str = "") -> None:
    print(message, flush=True)


def progression(message: str) -> None:
    afficher(f"[bench] {message}")


def decimal(x: float, decimales: int = 1) -> str:
    return f"{x:,.{decimales}f}".replace(",", " ").replace(".", ",")


def verdict(ok: bool) -> str:
    return "ATTEINT" if ok else "NON ATTEINT"


def tableau(entetes: list[str], lignes: list[list[str]]) -> None:
    largeurs = [max(len(x) for x in colonne) for colonne in zip(entetes, *lignes)]

    def ligne(valeurs):
        return "  ".join(v.ljust(l) if i == 0 else v.rjust(l) for i, (v, l) in enumerate(zip(valeurs, largeurs)))

    afficher(ligne(entetes))
    afficher("  ".join("-" * l for l in largeurs))
    for valeurs in lignes:
        afficher(ligne(valeurs))


# --- 1. Réexécution après un changement de filtre ---------------------------------------------


def reexecutions(at, n: int) -> list[float]:
    temps = []
    for i in range(n):
        at.session_state["quartier"] = QUARTIERS[i % 2]
        debut = time.perf_counter()
        at.run()
        temps.append((time.perf_counter() - debut) * 1000)
        if at.exception:
            raise RuntimeError(f"exception affichée : {[e.value for e in at.exception]}")
    return temps


# Pages d'une seule brique, mesurées comme la page triviale : ce que coûte à lui seul chaque élément
# dont nos pages sont faites (un tableau, un graphique, une carte). Elles situent l'objectif « 3× ».
BRIQUES = {
    "un tableau (st.dataframe, 60 lignes)": (
        "import pandas as pd\nimport streamlit as st\n"
        "st.dataframe(pd.DataFrame({'nom': [f'n{i}' for i in range(60)], 'valeur': range(60)}))\n"),
    "un graphique (altair, 60 barres)": (
        "import altair as alt\nimport pandas as pd\nimport streamlit as st\n"
        "d = pd.DataFrame({'nom': [f'n{i}' for i in range(60)], 'valeur': range(60)})\n"
        "st.altair_chart(alt.Chart(d).mark_bar().encode(x='valeur:Q', y='nom:N'))\n"),
    "une carte vide (folium + st_folium)": (
        "import folium\nimport streamlit as st\nfrom streamlit_folium import st_folium\n"
        "st_folium(folium.Map(location=[47.32, 5.04], zoom_start=13, tiles=None), height=400, returned_objects=[])\n"),
}


def mesurer_briques(dossier: Path) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    res = {}
    for nom, code in BRIQUES.items():
        fichier = dossier / f"brique_{len(res)}.py"
        fichier.write_text(code, encoding="utf-8")
        at = AppTest.from_file(str(fichier), default_timeout=DELAI).run()
        reexecutions(at, 3)
        res[nom] = statistics.median(reexecutions(at, REEXECUTIONS))
        progression(f"brique « {nom} » : {decimal(res[nom])} ms")
    return res


def mesurer_reexecutions(trivial: Path, identite) -> tuple[float, dict[str, float]]:
    import logging

    from streamlit.testing.v1 import AppTest

    # Modifier at.session_state hors exécution fait avertir Streamlit (« missing ScriptRunContext ») :
    # sans conséquence ici, on le fait taire (un filtre : Streamlit remet les niveaux des journaux).
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda r: "missing ScriptRunContext" not in r.getMessage())

    progression(f"page triviale : {REEXECUTIONS} réexécutions…")
    at = AppTest.from_file(str(trivial), default_timeout=DELAI).run()
    reexecutions(at, 3)  # mise en route, non mesurée
    t_trivial = statistics.median(reexecutions(at, REEXECUTIONS))
    progression(f"page triviale : {decimal(t_trivial)} ms")

    resultats = {}
    for page in PAGES:
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=DELAI)
        if page == "saisie":
            at.session_state["_identite"] = identite
        at.run()
        at.switch_page(f"pages/vues/{page}.py").run()
        if at.exception:
            raise RuntimeError(f"{page} : exception affichée : {[e.value for e in at.exception]}")
        reexecutions(at, 2)  # mise en route (caches du quartier choisi), non mesurée
        resultats[page] = statistics.median(reexecutions(at, REEXECUTIONS))
        progression(f"{page} : {decimal(resultats[page])} ms ({decimal(resultats[page] / t_trivial)}×)")
    return t_trivial, resultats


# --- 2. Premier affichage dans un processus neuf ----------------------------------------------

CODE_PREMIER = """
import sys, time
from streamlit.testing.v1 import AppTest
debut = time.perf_counter()
at = AppTest.from_file(sys.argv[1], default_timeout=%d).run()
duree = (time.perf_counter() - debut) * 1000
assert not at.exception, [e.value for e in at.exception]
print(duree)
""" % DELAI


def premier_affichage(fichier: Path, env: dict) -> tuple[float, float]:
    """(ms de from_file().run(), ms du processus entier)."""
    debut = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", CODE_PREMIER, str(fichier)], cwd=RACINE, env=env,
                       capture_output=True, text=True, timeout=300)
    total = (time.perf_counter() - debut) * 1000
    if r.returncode:
        raise RuntimeError(f"premier affichage de {fichier.name} : échec\n{r.stderr[-2000:]}")
    return float(r.stdout.strip().splitlines()[-1]), total


def mesurer_premiers(trivial: Path, env: dict) -> dict[str, tuple[float, float]]:
    res = {}
    for nom, fichier in (("trivial", trivial), ("app", RACINE / "app.py")):
        runs, totaux = [], []
        for i in range(1, PREMIERS + 1):
            progression(f"premier affichage ({'page triviale' if nom == 'trivial' else 'app.py'}), "
                        f"processus neuf {i}/{PREMIERS}…")
            t, total = premier_affichage(fichier, env)
            runs.append(t)
            totaux.append(total)
        res[nom] = (statistics.median(runs), statistics.median(totaux))
    return res


CODE_IMPORT = """
import sys, time
import streamlit
debut = time.perf_counter()
__import__(sys.argv[1])
print((time.perf_counter() - debut) * 1000)
"""
IMPORTS = ["pandas", "pandera.pandas", "folium", "altair", "geopandas", "sqlalchemy"]


def mesurer_imports(env: dict) -> dict[str, float]:
    """Temps d'import de chaque bibliothèque dont dépend l'application (processus neuf, Streamlit déjà
    importé) : un plancher pour le premier affichage, que la page triviale n'a pas à payer."""
    res = {}
    for module in IMPORTS:
        temps = []
        for _ in range(PREMIERS):
            r = subprocess.run([sys.executable, "-c", CODE_IMPORT, module], cwd=RACINE, env=env,
                               capture_output=True, text=True, timeout=120)
            if r.returncode:
                raise RuntimeError(f"import de {module} : échec\n{r.stderr[-1000:]}")
            temps.append(float(r.stdout.strip().splitlines()[-1]))
        res[module] = statistics.median(temps)
        progression(f"import de {module} : {decimal(res[module], 0)} ms")
    return res


# --- 3. Mémoire du serveur ---------------------------------------------------------------------


def pid_du_port(port: int) -> int:
    """Le processus (chef de groupe) dont l'environnement porte STREAMLIT_SERVER_PORT=port."""
    cible = f"STREAMLIT_SERVER_PORT={port}".encode()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if cible in (d / "environ").read_bytes().split(b"\0") and os.getpgid(int(d.name)) == int(d.name):
                return int(d.name)
        except (OSError, ProcessLookupError):
            continue
    raise RuntimeError(f"processus du serveur sur le port {port} introuvable")


def rss_mo(pid: int) -> float:
    """VmRSS du processus et de tous ses descendants, en Mo (1 Mo = 1 024 Ko)."""
    enfants: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            enfants.setdefault(ppid, []).append(int(d.name))
    total_ko, a_voir = 0, [pid]
    while a_voir:
        p = a_voir.pop()
        try:
            for l in Path(f"/proc/{p}/status").read_text().splitlines():
                if l.startswith("VmRSS:"):
                    total_ko += int(l.split()[1])
        except OSError:
            pass
        a_voir.extend(enfants.get(p, []))
    return total_ko / 1024


def ouvrir_sessions(navigateur, url: str, n: int, attendre) -> list:
    from tests.conftest import hors_ligne  # seules les adresses locales répondent

    contextes = []
    for _ in range(n):
        c = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        c.route("**/*", hors_ligne)
        onglet = c.new_page()
        onglet.set_default_timeout(DELAI * 1000)
        onglet.goto(url)
        contextes.append((c, onglet))
    for _, onglet in contextes:
        attendre(onglet)
    return contextes


def mesurer_memoire_serveur(navigateur, url: str, pid: int, chemin: str, attendre, nom: str) -> dict[int, float]:
    res = {0: rss_mo(pid)}
    progression(f"{nom} : {decimal(res[0])} Mo au démarrage (aucune session)")
    ouverts = []
    for n in SESSIONS:
        progression(f"{nom} : ouverture de {n - len(ouverts)} session(s) Chromium (total {n})…")
        ouverts += ouvrir_sessions(navigateur, f"{url}{chemin}", n - len(ouverts), attendre)
        time.sleep(2)  # laisse finir les réexécutions en cours
        res[n] = rss_mo(pid)
        progression(f"{nom} : {decimal(res[n])} Mo avec {n} session(s)")
    for c, _ in ouverts:
        c.close()
    return res


def attendre_marqueurs(onglet) -> None:
    (onglet.frame_locator('iframe[title="streamlit_folium.st_folium"]')
     .locator(".leaflet-marker-icon").first.wait_for(state="visible"))


def attendre_ok(onglet) -> None:
    onglet.get_by_text("ok", exact=True).first.wait_for(state="visible")


def mesurer_memoire(trivial: Path, dossier: Path, env_app: dict) -> dict[str, dict[int, float]]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARGS_CHROMIUM, CHROMIUM, attendre_sante, port_libre, serveur

    res = {}
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS_CHROMIUM)
        try:
            # Référence : la page triviale, servie par Streamlit avec le Python de l'environnement.
            for essai in (1, 2):  # un second essai si le serveur s'arrête au démarrage
                port = port_libre()
                progression(f"serveur de la page triviale (port {port})…")
                with (dossier / "trivial.log").open("w") as journal:
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "streamlit", "run", str(trivial), "--server.headless", "true",
                         "--server.port", str(port), "--server.address", "127.0.0.1",
                         "--browser.gatherUsageStats", "false"],
                        cwd=dossier, stdout=journal, stderr=subprocess.STDOUT, start_new_session=True,
                    )
                try:
                    attendre_sante(f"http://127.0.0.1:{port}", proc)
                    res["trivial"] = mesurer_memoire_serveur(navigateur, f"http://127.0.0.1:{port}", proc.pid, "/",
                                                             attendre_ok, "page triviale")
                    break
                except RuntimeError as e:
                    if essai == 2:
                        raise
                    progression(f"serveur de la page triviale : {e} Nouvel essai.")
                finally:
                    try:
                        os.killpg(proc.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
                    proc.wait(timeout=20)

            progression("serveur de l'application (commande du README, tests.conftest.serveur)…")
            with serveur(dossier / "app.log", CTG_DATABASE_URL=env_app["CTG_DATABASE_URL"]) as url:
                pid = pid_du_port(int(url.rsplit(":", 1)[1]))
                res["app"] = mesurer_memoire_serveur(navigateur, url, pid, "/carte", attendre_marqueurs,
                                                     "application (carte)")
        finally:
            navigateur.close()
    return res


# --- 4. Carte de Dijon ---------------------------------------------------------------------------


def mesurer_carte() -> dict:
    import gc

    import map_bench
    from ctg_data import config

    progression("carte de Dijon (fonctions de bench/map_bench.py)…")
    d = map_bench.donnees_reelles(config.dossier_donnees())
    reel = d["equipements"]
    map_bench.notre_carte(d, reel.head(5))  # mise en route
    map_bench.carte_naive(d, reel.head(5))
    res = {"n": int(reel["lat"].notna().sum())}
    for cle, fonction in (("nous", map_bench.notre_carte), ("naive", map_bench.carte_naive)):
        temps = []
        for _ in range(5):
            gc.collect()
            debut = time.perf_counter()
            page = fonction(d, reel)
            temps.append((time.perf_counter() - debut) * 1000)
        res[cle] = (statistics.median(temps), len(page.encode("utf-8")))
    progression(f"carte de Dijon : {decimal(res['nous'][0], 0)} ms, {decimal(res['nous'][1] / 1024)} Ko "
                f"(naïve : {decimal(res['naive'][0], 0)} ms, {decimal(res['naive'][1] / 1024)} Ko)")
    return res


# --- Programme -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai des pages de l'application.")
    parser.add_argument("--sans-navigateur", action="store_true", help="sans la mesure de mémoire du serveur")
    args = parser.parse_args(argv)

    import folium
    import pandas as pd
    import streamlit

    afficher("Banc d'essai des pages (bench/pages_bench.py)")
    afficher(f"Date        : {dt.datetime.now().strftime('%d/%m/%Y %H:%M:%S')}")
    afficher(f"Machine     : {platform.platform()} ; {platform.machine()} ; {os.cpu_count()} processeur(s)")
    afficher(f"Python      : {platform.python_version()} ; streamlit {streamlit.__version__} ; "
             f"folium {folium.__version__} ; pandas {pd.__version__}")
    try:
        from importlib.metadata import version
        afficher(f"Navigateur  : Chromium (/usr/bin/chromium) piloté par Playwright {version('playwright')}")
    except Exception:
        pass
    afficher("")

    debut_total = time.perf_counter()
    dossier = Path(tempfile.mkdtemp(prefix="ctg-bench-pages-"))
    trivial = dossier / "trivial.py"
    trivial.write_text('import streamlit as st\n\nst.write("ok")\n', encoding="utf-8")

    # Magasin temporaire (jamais var/ctg.sqlite3) avec un compte d'éditeur pour la page de saisie.
    url_base = f"sqlite:///{dossier / 'ctg.sqlite3'}"
    os.environ["CTG_DATABASE_URL"] = url_base
    from ctg_data.stockage import Stockage

    magasin = Stockage(url_base)
    magasin.creer_compte("banc", "Banc d'essai", MOT_DE_PASSE)
    identite = magasin.authentifier("banc", MOT_DE_PASSE)
    env = dict(os.environ)

    try:
        t_trivial, reexec = mesurer_reexecutions(trivial, identite)
        briques = mesurer_briques(dossier)
        premiers = mesurer_premiers(trivial, env)
        imports = mesurer_imports(env)
        memoire = None
        if not args.sans_navigateur:
            memoire = mesurer_memoire(trivial, dossier, env)
        carte = mesurer_carte()
    finally:
        magasin = None
        shutil.rmtree(dossier, ignore_errors=True)

    # --- Tableaux --------------------------------------------------------------------------------
    afficher("")
    afficher(f"1. Réexécution après un changement de quartier (AppTest, médiane de {REEXECUTIONS})")
    lignes = [["page triviale (référence)", decimal(t_trivial), "1,0"]]
    lignes += [[p, decimal(t), decimal(t / t_trivial)] for p, t in reexec.items()]
    tableau(["Page", "Temps (ms)", "× triviale"], lignes)
    afficher("Repères : pages d'une seule brique, mesurées de la même façon")
    tableau(["Brique", "Temps (ms)", "× triviale"],
            [[nom, decimal(t), decimal(t / t_trivial)] for nom, t in briques.items()])

    afficher("")
    afficher(f"2. Premier affichage dans un processus neuf (médiane de {PREMIERS} processus)")
    (tr, tr_tot), (ap, ap_tot) = premiers["trivial"], premiers["app"]
    tableau(["Fichier", "from_file().run() (ms)", "Processus entier (ms)"],
            [["page triviale", decimal(tr, 0), decimal(tr_tot, 0)], ["app.py", decimal(ap, 0), decimal(ap_tot, 0)],
             ["rapport app / triviale", f"{decimal(ap / tr)}×", f"{decimal(ap_tot / tr_tot)}×"]])
    afficher("Processus entier = lancement de Python et import de Streamlit compris (à titre indicatif).")
    afficher("Repères : import seul de chaque bibliothèque, après Streamlit, dans un processus neuf "
             f"(médiane de {PREMIERS})")
    tableau(["Import", "Temps (ms)", "× premier affichage trivial"],
            [[nom, decimal(t, 0), decimal(t / tr)] for nom, t in imports.items()])

    if memoire:
        afficher("")
        afficher("3. Mémoire du serveur (VmRSS, processus enfants compris, 1 Mo = 1 024 Ko)")
        tableau(["Serveur", "Démarrage (Mo)", *[f"{n} session(s) (Mo)" for n in SESSIONS]],
                [["page triviale", *[decimal(memoire["trivial"][n]) for n in (0, *SESSIONS)]],
                 ["application, carte", *[decimal(memoire["app"][n]) for n in (0, *SESSIONS)]]])
        par_session = (memoire["app"][SESSIONS[-1]] - memoire["app"][SESSIONS[0]]) / (SESSIONS[-1] - SESSIONS[0])
        afficher(f"Application : environ {decimal(par_session)} Mo par session supplémentaire sur la carte.")

    afficher("")
    afficher(f"4. Carte de Dijon ({carte['n']} équipements localisés ; médiane de 5 constructions)")
    tableau(["Carte", "Construction (ms)", "Taille HTML (Ko)"],
            [["notre carte", decimal(carte["nous"][0], 0), decimal(carte["nous"][1] / 1024)],
             ["carte naïve (référence)", decimal(carte["naive"][0], 0), decimal(carte["naive"][1] / 1024)]])

    # --- Objectifs -------------------------------------------------------------------------------
    afficher("")
    afficher("Objectifs")
    pire = max(reexec, key=reexec.get)
    r = reexec[pire] / t_trivial
    afficher(f"- Chaque page ≤ {decimal(OBJECTIF_REEXECUTION)}× la page triviale après un changement de filtre : "
             f"la plus lente, {pire}, {decimal(r)}× → {verdict(r <= OBJECTIF_REEXECUTION)}")
    lentes = [p for p, t in reexec.items() if t / t_trivial > OBJECTIF_REEXECUTION]
    if lentes:
        afficher(f"  pages au-dessus de l'objectif : {', '.join(lentes)}")
    r = ap / tr
    afficher(f"- Premier affichage ≤ {decimal(OBJECTIF_PREMIER)}× la page triviale : {decimal(r)}× → "
             f"{verdict(r <= OBJECTIF_PREMIER)}")
    if memoire:
        m = memoire["app"][SESSIONS[-1]]
        afficher(f"- Serveur ≤ {OBJECTIF_MEMOIRE_MO} Mo avec {SESSIONS[-1]} sessions : {decimal(m)} Mo → "
                 f"{verdict(m <= OBJECTIF_MEMOIRE_MO)}")
    else:
        afficher(f"- Serveur ≤ {OBJECTIF_MEMOIRE_MO} Mo avec {SESSIONS[-1]} sessions : non mesuré (--sans-navigateur)")
    afficher("")
    afficher(f"Durée totale du banc d'essai : {decimal(time.perf_counter() - debut_total)} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
