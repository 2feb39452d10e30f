"""Banc d'essai dans le navigateur : la vitesse ressentie, page par page, sur la boucle locale seulement.

    .venv/bin/python bench/navigateur_bench.py             # 5 mesures par page (≈ 14 min sur 2 cœurs)
    .venv/bin/python bench/navigateur_bench.py --rapide    # 2 mesures par page (≈ 5 min)
    .venv/bin/python bench/navigateur_bench.py --pages /carte /plan --mesures 1   # pour mettre au point

Ce n'est pas un test : il affiche des chiffres et n'échoue jamais.

Pour chaque page de la navigation d'app.py, dans Chromium (sans fenêtre) :

- **ouverture** : un contexte de navigateur neuf (ni cache ni cookies), l'adresse de la page ouverte,
  jusqu'à la page entièrement dessinée ;
- **changement de quartier** : dans la colonne de gauche, « Quartier » passe de « Grésilles » à
  « Fontaine d'Ouche », puis revient à « Grésilles » (deux mesures par ouverture), jusqu'à la page
  entièrement dessinée à nouveau.

« Entièrement dessinée » (voir ``navigateur_observateur.js``) : Streamlit ne calcule plus (état du
script « notRunning », pas d'indicateur d'exécution), aucun élément périmé (``data-stale``), aucun
squelette de chargement ; chaque carte folium a chargé Leaflet, dessiné ses couches et fini de se
recadrer ; chaque graphique altair a son canvas (ou svg) ; chaque tableau a son canvas ; et rien de
tout cela n'a bougé pendant 750 ms. Le temps retenu est l'instant où cet état final est apparu (ou la
fin de la dernière tâche longue du navigateur, si elle est plus tardive), compté depuis le début de la
navigation (ouverture) ou depuis l'appui sur le choix du quartier (changement).

Chaque mesure est rapportée à celle d'une **page triviale** (fichier temporaire : un titre, et dans la
colonne de gauche une liste « Quartier » aux mêmes choix que le filtre de l'application), servie de la
même façon (``python -m pages.ui.serveur run``, même dossier de travail, donc mêmes réglages
``.streamlit/config.toml``) et mesurée en alternance avec chaque page, dans le même lancement.

Objectifs : ouverture ≤ 1,25× la page triviale ; changement de quartier ≤ 1,5×.

Le magasin de l'application est une base SQLite temporaire (``CTG_DATABASE_URL``), jamais
``var/ctg.sqlite3`` ; ``data/`` n'est pas modifié. Chromium passe par un mandataire inexistant : toute
adresse hors de la boucle locale échoue. Chaque attente est bornée, la durée totale aussi.

Pour expliquer les temps, chaque mesure est décomposée à partir des messages de la liaison WebSocket
de Streamlit (décodés avec les messages protobuf de Streamlit) : avant la demande d'exécution,
exécution(s) du script côté serveur (demande → fin d'exécution reçue), puis dessin par le navigateur
après la dernière fin d'exécution ; s'y ajoutent le nombre d'exécutions, le volume reçu, le temps de
JavaScript et de mise en page de Chromium (``Performance.getMetrics``), les tâches longues et le nombre
de cadres (iframe) rechargés par un changement de quartier.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import datetime as dt
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from tests.conftest import ARGS_CHROMIUM, CHROMIUM, attendre_sante, environnement_serveur, port_libre, serveur  # noqa: E402

OBSERVATEUR = Path(__file__).with_name("navigateur_observateur.js")
PAGES = ["/", "/carte", "/contexte", "/portrait?quartier=gresilles", "/plan", "/recapitulatif", "/acteurs",
         "/comparer", "/seminaire", "/donnees"]
QUARTIER_A, QUARTIER_B = "Grésilles", "Fontaine d'Ouche"
OBJECTIF_OUVERTURE = 1.25
OBJECTIF_CHANGEMENT = 1.5
CALME_MS = 750  # la page finale ne doit plus bouger pendant ce temps
ATTENTE_MS = 60_000  # chaque attente ; au-delà, la mesure est comptée « non terminée »
DUREE_MAX_S = 30 * 60  # le banc entier ; au-delà, on s'arrête et on affiche ce qui a été mesuré
ARGS_HORS_LIGNE = ["--proxy-server=http://127.0.0.1:9"]  # tout ce qui n'est pas la boucle locale échoue
METRIQUES = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


def dire(message: str) -> None:
    print(f"[banc] {message}", flush=True)


def decimal(x: float | None, chiffres: int = 2) -> str:
    return "—" if x is None else f"{x:.{chiffres}f}".replace(".", ",")


def charge_machine() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- La page triviale ---------------------------------------------------------------------------
def noms_des_quartiers() -> list[str]:
    """Les choix du filtre de l'application : « Tout Dijon », puis les quartiers triés par nom
    (comme ``pages.ui.filtres.sous_zones_du_territoire``)."""
    with (RACINE / "data" / "quartiers.csv").open(encoding="utf-8", newline="") as f:
        return ["Tout Dijon", *sorted(ligne["nom"] for ligne in csv.DictReader(f))]


def ecrire_page_triviale(dossier: Path) -> Path:
    chemin = dossier / "triviale" / "page_triviale.py"
    chemin.parent.mkdir()
    chemin.write_text(
        "import streamlit as st\n\n"
        "st.title('Page triviale')\n"
        f"st.sidebar.selectbox('Quartier', {noms_des_quartiers()!r})\n",
        encoding="utf-8",
    )
    return chemin


@contextlib.contextmanager
def serveur_streamlit(arguments: list[str], journal: Path, base: str, **env_en_plus: str):
    """``python <arguments>`` (Streamlit par ``pages.ui.serveur``), lancé comme l'application : dossier du
    projet, mêmes réglages, port libre de la boucle locale ; renvoie (adresse, numéro du processus)."""
    port = port_libre()
    env = environnement_serveur(journal, port, CTG_DATABASE_URL=base, **env_en_plus)
    with journal.open("w") as sortie:
        processus = subprocess.Popen([sys.executable, *arguments], cwd=RACINE, env=env, stdout=sortie,
                                     stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        attendre_sante(url, processus)
        yield url, processus.pid
    finally:
        try:
            os.killpg(processus.pid, signal.SIGTERM)
            processus.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(processus.pid, signal.SIGKILL)


def serveur_trivial(page: Path, journal: Path, base: str, **env_en_plus: str):
    """La page triviale, lancée comme l'application (``pages.ui.serveur``, dossier du projet, mêmes
    réglages)."""
    return serveur_streamlit(["-m", "pages.ui.serveur", "run", str(page)], journal, base, **env_en_plus)


# --- Une mesure --------------------------------------------------------------------------------
@dataclass
class Mesure:
    """Une ouverture ou un changement de quartier, en secondes (None : non terminée)."""

    total: float | None
    avant: float | None = None  # du début à la première demande d'exécution envoyée au serveur
    serveur: float | None = None  # somme, sur les exécutions, de la demande à la fin d'exécution reçue
    apres: float | None = None  # de la dernière fin d'exécution reçue à la page dessinée
    executions: int = 0  # demandes d'exécution (rerun_script) envoyées
    ko_recus: float = 0.0
    deltas: int = 0  # éléments envoyés par le serveur
    js: float | None = None  # temps de JavaScript de Chromium (Performance.getMetrics)
    mise_en_page: float | None = None  # mise en page et calcul des styles
    longues: float = 0.0  # somme des tâches longues (> 50 ms)
    cadres_recharges: tuple[int, int] | None = None  # (rechargés, total), changement seulement
    ko_par_genre: dict = field(default_factory=dict)  # volume reçu par genre d'élément
    silences: list = field(default_factory=list)  # 3 plus longs silences du serveur pendant une exécution (durée, élément suivant)
    contenu: dict = field(default_factory=dict)  # nombre de cartes, graphiques, tableaux…
    sans_liste: bool = False  # ouverture : pas de liste « Quartier » visible (changement sans objet)
    erreur: str = ""


def decrire_element(msg) -> str:
    """Le genre d'un élément envoyé par le serveur, avec un début de texte pour le reconnaître."""
    delta = msg.delta
    genre = delta.WhichOneof("type")
    if genre != "new_element":
        return genre or "?"
    el = delta.new_element
    sorte = el.WhichOneof("type") or "?"
    sous = getattr(el, sorte, None)
    texte = ""
    for attribut in ("body", "label", "component_name"):
        valeur = getattr(sous, attribut, "")
        if isinstance(valeur, str) and valeur.strip():
            texte = valeur.strip().splitlines()[0][:50]
            break
    return f"{sorte} « {texte} »" if texte else sorte


def decomposer(trames: list) -> dict:
    """Décompose une mesure à partir des trames WebSocket relevées par Chromium (Network, horloge
    du navigateur, en secondes ; indépendante du fil principal de la page, qui peut être occupé) :
    temps du serveur (de chaque demande d'exécution à sa fin reçue), volume reçu par genre d'élément,
    plus long silence du serveur pendant une exécution (et l'élément qui l'a suivi)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    demandes, fins, octets, deltas, par_genre, recus = [], [], 0, 0, {}, []
    for t, sens, donnees in trames:
        brut = base64.b64decode(donnees)
        if sens == "s":
            msg = BackMsg()
            msg.ParseFromString(brut)
            if msg.WhichOneof("type") == "rerun_script":
                demandes.append(t)
            continue
        octets += len(brut)
        msg = ForwardMsg()
        msg.ParseFromString(brut)
        genre = msg.WhichOneof("type")
        if genre == "script_finished":
            fins.append(t)
            recus.append((t, "fin d'exécution"))
        elif genre == "delta":
            deltas += 1
            nom = decrire_element(msg)
            sorte = nom.split(" ", 1)[0]
            par_genre[sorte] = par_genre.get(sorte, 0) + len(brut)
            recus.append((t, nom))
        elif genre:
            recus.append((t, genre))
    serveur_s, silences = 0.0, []
    for d in demandes:
        suivantes = [f for f in fins if f >= d]
        if not suivantes:
            continue
        serveur_s += suivantes[0] - d
        precedent = d
        for t, nom in recus:
            if d <= t <= suivantes[0]:
                silences.append((t - precedent, nom))
                precedent = t
    return {
        "serveur": serveur_s if demandes and fins else None,
        "executions": len(demandes),
        "ko_recus": octets / 1024,
        "deltas": deltas,
        "ko_par_genre": {g: o / 1024 for g, o in par_genre.items()},
        "silences": sorted(silences, key=lambda x: -x[0])[:3],
    }


def metriques(cdp) -> dict[str, float]:
    try:
        return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    except Exception:  # noqa: BLE001 — diagnostic seulement
        return {}


def attendre_fin(page, t0: float | None, avant_metriques: dict, cdp, trames: list) -> Mesure:
    """Attend la page entièrement dessinée (observateur) et relève la mesure."""
    try:
        page.wait_for_function(f"() => window.__banc && window.__banc.termine({CALME_MS})",
                               timeout=ATTENTE_MS, polling=100)
    except Exception as e:  # noqa: BLE001 — attente dépassée : mesure non terminée, le banc continue
        detail = None if page.is_closed() else page.evaluate("""() => { const B = window.__banc;
            return B && {t0: B.t0, tSig: B.tSig, maintenant: performance.now(), complet: B.complet, ...B.detail}; }""")
        return Mesure(None, erreur=f"{e.__class__.__name__} ; état : {detail}")
    apres_metriques = metriques(cdp)
    etat = page.evaluate("""() => { const B = window.__banc;
        return {tSig: B.tSig, t0: B.t0, longues: B.longues, detail: B.detail, demandes: B.demandes}; }""")
    t0 = etat["t0"] if t0 is None else t0
    longues = [(debut, duree) for debut, duree in etat["longues"] if debut + duree > t0]
    fin_longues = max((debut + duree for debut, duree in longues if debut < etat["tSig"] + CALME_MS), default=0)
    t_fin = max(etat["tSig"], fin_longues)
    m = Mesure((t_fin - t0) / 1000, **decomposer(list(trames)))
    if etat["demandes"]:
        m.avant = (min(t for t in etat["demandes"] if t >= t0) - t0) / 1000 if any(t >= t0 for t in etat["demandes"]) else None
    if m.avant is not None and m.serveur is not None:
        m.apres = max(0.0, m.total - m.avant - m.serveur)
    m.longues = sum(duree for _, duree in longues) / 1000
    if avant_metriques and apres_metriques:
        m.js = apres_metriques["ScriptDuration"] - avant_metriques["ScriptDuration"]
        m.mise_en_page = (apres_metriques["LayoutDuration"] + apres_metriques["RecalcStyleDuration"]
                          - avant_metriques["LayoutDuration"] - avant_metriques["RecalcStyleDuration"])
    m.contenu = etat["detail"] or {}
    return m


def ouvrir(navigateur, url: str):
    """Un contexte neuf, l'adresse ouverte ; renvoie (contexte, page, cdp, trames, mesure d'ouverture).

    ``trames`` : les trames binaires de la liaison WebSocket de Streamlit relevées par Chromium
    (instant, sens, contenu en base64), vidée au début de chaque mesure."""
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    contexte.add_init_script(path=str(OBSERVATEUR))
    page = contexte.new_page()
    page.set_default_timeout(ATTENTE_MS)
    cdp = contexte.new_cdp_session(page)
    trames: list = []

    def trame(sens: str):
        def noter(e):
            if e["response"].get("opcode") == 2:  # trame binaire : un message protobuf de Streamlit
                trames.append((e["timestamp"], sens, e["response"]["payloadData"]))
        return noter

    cdp.on("Network.webSocketFrameReceived", trame("r"))
    cdp.on("Network.webSocketFrameSent", trame("s"))
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    avant = metriques(cdp)
    page.goto(url, wait_until="commit")
    return contexte, page, cdp, trames, attendre_fin(page, 0.0, avant, cdp, trames)


def choisir(page, cdp, trames: list, quartier: str, mesurer: bool = True) -> Mesure | None:
    """Choisit ``quartier`` dans la liste « Quartier » de la colonne de gauche."""
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier").click()
    option = page.get_by_role("option", name=quartier, exact=True)
    option.wait_for()
    page.evaluate("() => { window.__banc.marquer(); window.__banc.armer(); }")
    avant = metriques(cdp)
    trames.clear()
    option.click()
    m = attendre_fin(page, None, avant, cdp, trames)
    if m.total is not None:
        m.cadres_recharges = tuple(page.evaluate("() => window.__banc.recharges()"))
    return m if mesurer else None


def erreur(e: Exception) -> str:
    return f"{e.__class__.__name__} {str(e).splitlines()[0][:200] if str(e) else ''}"


def mesurer_page(navigateur, url: str, chemin: str) -> tuple[Mesure, list[Mesure]]:
    """Une ouverture, puis deux changements de quartier (vers Fontaine d'Ouche, puis Grésilles)."""
    contexte, ouverture, changements = None, None, []
    try:
        contexte, page, cdp, trames, ouverture = ouvrir(navigateur, url + chemin)
        if ouverture.total is None:
            return ouverture, []
        liste = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier")
        if not liste.is_visible():
            # Pas de liste « Quartier » visible (le mode séminaire cache la colonne de gauche) : sans objet.
            ouverture.sans_liste = True
            return ouverture, []
        if "quartier=gresilles" not in chemin:
            choisir(page, cdp, trames, QUARTIER_A, mesurer=False)  # point de départ commun : Grésilles
        for quartier in (QUARTIER_B, QUARTIER_A):
            changements.append(choisir(page, cdp, trames, quartier))
        return ouverture, changements
    except Exception as e:  # noqa: BLE001 — toute erreur est notée, le banc continue
        if ouverture is None:
            return Mesure(None, erreur=erreur(e)), []
        return ouverture, [*changements, Mesure(None, erreur=erreur(e))]
    finally:
        if contexte is not None:
            with contextlib.suppress(Exception):
                contexte.close()


# --- Profil du JavaScript (option --profil) ---------------------------------------------------------
def resumer_profil(profil: dict, premiers: int = 8) -> tuple[list, list, float]:
    """Temps propre (échantillons) par fichier JavaScript et par fonction, en secondes."""
    noeuds = {n["id"]: n for n in profil["nodes"]}
    temps = {}
    for id_, delta in zip(profil.get("samples", []), profil.get("timeDeltas", [])):
        temps[id_] = temps.get(id_, 0) + delta
    par_fichier, par_fonction = {}, {}
    for id_, micro in temps.items():
        cadre = noeuds[id_]["callFrame"]
        url = cadre.get("url") or ""
        fichier = url.rsplit("/", 1)[-1].split("?")[0] or f"({cadre.get('functionName') or 'moteur'})"
        if "/component/" in url or "streamlit_folium" in url:
            fichier = f"cadre de la carte : {fichier}"
        par_fichier[fichier] = par_fichier.get(fichier, 0) + micro / 1e6
        fonction = f"{cadre.get('functionName') or '(anonyme)'} ({fichier}:{cadre.get('lineNumber', 0) + 1})"
        par_fonction[fonction] = par_fonction.get(fonction, 0) + micro / 1e6
    total = sum(par_fichier.values())
    trier = lambda d: sorted(d.items(), key=lambda x: -x[1])[:premiers]  # noqa: E731
    return trier(par_fichier), trier(par_fonction), total


def releve_serveur(echantillonneur: tuple[int, Path] | None) -> dict | None:
    """Demande à l'échantillonneur du serveur (``navigateur_serveur_profil.py``) ce qu'il a compté depuis
    la dernière demande (SIGUSR1), et le lit."""
    if echantillonneur is None:
        return None
    pid, fichier = echantillonneur
    avant = fichier.stat().st_mtime_ns if fichier.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    fin = time.monotonic() + 5
    while time.monotonic() < fin:
        if fichier.exists() and fichier.stat().st_mtime_ns != avant:
            with contextlib.suppress(ValueError, OSError):
                import json

                return json.loads(fichier.read_text(encoding="utf-8"))
        time.sleep(0.05)
    return None


def afficher_profil_serveur(releve: dict | None, premiers: int = 10) -> None:
    if not releve:
        print("  serveur : pas de relevé")
        return
    pas = releve["intervalle_s"]
    for genre, titre in (("script", "exécution des pages (fil ScriptRunner)"),
                         ("principal", "fil principal (envoi des messages)")):
        n = releve["echantillons"][genre]
        if not n:
            continue
        print(f"  serveur, {titre} : ≈ {decimal(n * pas)} s occupées")
        paquets = sorted(releve["paquets"][genre].items(), key=lambda x: -x[1])[:6]
        print("    par paquet (haut de la pile) : " + " ; ".join(f"{p} {100 * c / n:.0f} %" for p, c in paquets))
        # Temps cumulé (fonction présente dans la pile) des fonctions du projet : où le temps est dépensé.
        projet = sorted(((f, c) for f, c in releve["cumul"][genre].items()
                         if f.startswith(("pages/", "ctg_data/", "app.py")) and not f.endswith(":<module>")),
                        key=lambda x: -x[1])[:premiers]
        if projet:
            print("    fonctions du projet (temps cumulé, appels compris) :")
            for f, c in projet:
                print(f"      {decimal(c * pas)} s  {f}")
        if genre == "principal":
            lib = sorted(((f, c) for f, c in releve["cumul"][genre].items() if f.startswith("streamlit/")
                          and not f.endswith((":main", ":start", ":run", ":_run_once", ":run_forever"))),
                         key=lambda x: -x[1])[:premiers]
            print("    fonctions de Streamlit (temps cumulé) : " + " ; ".join(f"{f} {decimal(c * pas)} s" for f, c in lib))
        propres = sorted(releve["propre"][genre].items(), key=lambda x: -x[1])[:6]
        print("    haut de la pile : " + " ; ".join(f"{f} {decimal(c * pas)} s" for f, c in propres))


def profiler(navigateur, url: str, chemin: str, echantillonneur: tuple[int, Path] | None = None,
             nom: str | None = None) -> None:
    """Une ouverture et un changement de quartier sous le profileur de Chromium (échantillon toutes les
    500 µs) : où va le temps de JavaScript (fichier, fonction) ; et, avec ``echantillonneur`` (numéro du
    processus du serveur, fichier du relevé), où va le temps du serveur. Mesure à part : les profileurs
    ralentissent."""
    contexte = navigateur.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        contexte.add_init_script(path=str(OBSERVATEUR))
        page = contexte.new_page()
        page.set_default_timeout(ATTENTE_MS)
        cdp = contexte.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        trames: list = []
        for etape in ("ouverture", "changement"):
            releve_serveur(echantillonneur)  # remise à zéro
            cdp.send("Profiler.start")
            if etape == "ouverture":
                page.goto(url + chemin, wait_until="commit")
                m = attendre_fin(page, 0.0, {}, cdp, trames)
            else:
                liste = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier")
                if not liste.is_visible():
                    cdp.send("Profiler.stop")
                    break
                m = choisir(page, cdp, trames, QUARTIER_B if "gresilles" in page.url else QUARTIER_A)
            profil = cdp.send("Profiler.stop")["profile"]
            serveur_releve = releve_serveur(echantillonneur)
            fichiers, fonctions, total = resumer_profil(profil)
            libre = dict(fichiers).get("((idle))", 0.0)
            print(f"\n{nom or chemin} — {etape} sous le profileur : {decimal(m.total)} s ; fil principal occupé "
                  f"{decimal(total - libre)} s sur {decimal(total)} s échantillonnées (« (program) » : travail du "
                  "moteur hors JavaScript — mise en page, dessin, analyse du HTML)")
            print("  par fichier : " + " ; ".join(f"{f} {decimal(t)} s" for f, t in fichiers if f != "((idle))"))
            print("  par fonction :")
            for f, t in fonctions:
                if not f.startswith("(idle)"):
                    print(f"    {decimal(t)} s  {f}")
            if echantillonneur is not None:
                afficher_profil_serveur(serveur_releve)
    except Exception as e:  # noqa: BLE001 — diagnostic seulement
        print(f"\n{nom or chemin} — profil interrompu : {erreur(e)}")
    finally:
        with contextlib.suppress(Exception):
            contexte.close()


# --- Résultats ---------------------------------------------------------------------------------
@dataclass
class Resultats:
    ouvertures: list[Mesure] = field(default_factory=list)
    changements: list[Mesure] = field(default_factory=list)
    triviale_ouvertures: list[Mesure] = field(default_factory=list)  # mesurées en alternance avec la page
    triviale_changements: list[Mesure] = field(default_factory=list)


def mediane(mesures: list[Mesure], attribut: str = "total") -> float | None:
    valeurs = [getattr(m, attribut) for m in mesures if m.total is not None and getattr(m, attribut) is not None]
    return statistics.median(valeurs) if valeurs else None


def rapport(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def tableau(entetes: list[str], lignes: list[list[str]]) -> None:
    largeurs = [max(len(str(x)) for x in col) for col in zip(entetes, *lignes)]
    print("  ".join(str(e).ljust(w) for e, w in zip(entetes, largeurs)))
    print("  ".join("-" * w for w in largeurs))
    for ligne in lignes:
        print("  ".join(str(x).ljust(w) for x, w in zip(ligne, largeurs)))


def verdict(r: float | None, objectif: float) -> str:
    return "?" if r is None else ("oui" if r <= objectif else "NON")


def afficher(resultats: dict[str, Resultats], mesures: int) -> None:
    print(f"\nMédianes en secondes ({mesures} ouverture(s) et {2 * mesures} changement(s) de quartier par page ; "
          "rapport à la page triviale mesurée en alternance avec la page).\n")
    lignes = []
    for chemin, r in resultats.items():
        o, ot = mediane(r.ouvertures), mediane(r.triviale_ouvertures)
        c, ct = mediane(r.changements), mediane(r.triviale_changements)
        ro, rc = rapport(o, ot), rapport(c, ct)
        if not r.changements and any(m.sans_liste for m in r.ouvertures):
            c = ct = rc = None  # sans objet : la page n'a pas de liste « Quartier »
        manquees = sum(m.total is None for m in r.ouvertures + r.changements)
        lignes.append([chemin, decimal(o), decimal(ot), f"{decimal(ro)}×", verdict(ro, OBJECTIF_OUVERTURE),
                       *(["sans objet (pas de liste « Quartier »)", "", "", ""] if c is None and ct is None else
                         [decimal(c), decimal(ct), f"{decimal(rc)}×", verdict(rc, OBJECTIF_CHANGEMENT)]),
                       str(manquees) if manquees else ""])
    tableau(["Page", "Ouverture", "triviale", "rapport", f"≤ {decimal(OBJECTIF_OUVERTURE)}×",
             "Changement", "triviale", "rapport", f"≤ {decimal(OBJECTIF_CHANGEMENT)}×", "non terminées"], lignes)

    toutes_o = [m for r in resultats.values() for m in r.triviale_ouvertures]
    toutes_c = [m for r in resultats.values() for m in r.triviale_changements]
    print(f"\nPage triviale, toutes mesures : ouverture {decimal(mediane(toutes_o))} s "
          f"(min {decimal(min((m.total for m in toutes_o if m.total), default=None))}, "
          f"max {decimal(max((m.total for m in toutes_o if m.total), default=None))}) ; "
          f"changement {decimal(mediane(toutes_c))} s "
          f"(min {decimal(min((m.total for m in toutes_c if m.total), default=None))}, "
          f"max {decimal(max((m.total for m in toutes_c if m.total), default=None))}).")

    for titre, cle in (("Ouverture", "ouvertures"), ("Changement de quartier", "changements")):
        print(f"\nDécomposition — {titre} (médianes, secondes ; JS et mise en page : temps de Chromium, "
              "cadres principal et iframes) :\n")
        lignes = []
        for chemin, r in [("page triviale", Resultats(**{cle: toutes_o if cle == "ouvertures" else toutes_c}))] + \
                list(resultats.items()):
            ms = getattr(r, cle)
            ok = [m for m in ms if m.total is not None]
            recharges = [m.cadres_recharges for m in ok if m.cadres_recharges]
            contenu = ok[-1].contenu if ok else {}
            lignes.append([
                chemin, decimal(mediane(ms)), decimal(mediane(ms, "avant")), decimal(mediane(ms, "serveur")),
                decimal(mediane(ms, "apres")), decimal(mediane(ms, "js")), decimal(mediane(ms, "mise_en_page")),
                decimal(mediane(ms, "longues")),
                decimal(mediane(ms, "executions"), 0), decimal(mediane(ms, "ko_recus"), 0),
                decimal(mediane(ms, "deltas"), 0),
                (f"{max(n for n, _ in recharges)}/{max(t for _, t in recharges)}" if recharges else ""),
                f"{contenu.get('cartes', 0)}/{contenu.get('graphiques', 0)}/{contenu.get('tableaux', 0)}/"
                f"{contenu.get('cadres', 0)}",
            ])
        tableau(["Page", "total", "avant", "serveur", "après", "JS", "mise en page", "tâches longues", "exéc.",
                 "Ko reçus", "éléments", "cadres rechargés", "cartes/graph./tabl./autres cadres"], lignes)
        print("\nPar page (la mesure médiane) : volume reçu par genre d'élément ; les 3 plus longs silences du "
              "serveur pendant une exécution, et l'élément arrivé après chacun (le code qui le précède est lent).")
        for chemin, r in resultats.items():
            ok = sorted((m for m in getattr(r, cle) if m.total is not None), key=lambda m: m.total)
            if not ok:
                continue
            m = ok[(len(ok) - 1) // 2]
            volumes = ", ".join(f"{g} {decimal(k, 0)} Ko" for g, k in
                                sorted(m.ko_par_genre.items(), key=lambda x: -x[1])[:4] if k >= 1)
            silences = " ; ".join(f"{decimal(d)} s avant {nom}" for d, nom in m.silences)
            print(f"  {chemin} : {volumes or 'moins de 1 Ko par genre'}\n      silences : {silences or '—'}")

    erreurs = [(chemin, m.erreur) for chemin, r in resultats.items()
               for m in r.ouvertures + r.changements + r.triviale_ouvertures + r.triviale_changements if m.erreur]
    if erreurs:
        print("\nMesures non terminées :")
        for chemin, e in erreurs[:20]:
            print(f"  - {chemin} : {e[:1500]}")
    print("\nColonnes : « avant » = du début (navigation ou appui sur le choix) à la première demande "
          "d'exécution envoyée au serveur ; « serveur » = de chaque demande à la fin d'exécution reçue, "
          "additionnés ; « après » = de la dernière fin d'exécution reçue à la page dessinée ; « exéc. » = "
          "demandes d'exécution envoyées ; « éléments » = messages delta reçus.")


# --- Déroulement -------------------------------------------------------------------------------
def profiler_tout(dossier: Path, base: str, triviale: Path, pages: list[str]) -> None:
    """Mode --profil : l'application lancée avec l'échantillonneur de piles, chaque page ouverte une fois
    (mise en route), puis ouverte et changée de quartier sous les profileurs."""
    from playwright.sync_api import sync_playwright

    releve = dossier / "profil_serveur.json"
    commande = [str(Path(__file__).with_name("navigateur_serveur_profil.py")), str(releve), "run", str(RACINE / "app.py")]
    releve_trivial = dossier / "profil_serveur_trivial.json"
    commande_triviale = [str(Path(__file__).with_name("navigateur_serveur_profil.py")), str(releve_trivial), "run",
                         str(triviale)]
    with serveur_streamlit(commande, dossier / "app.log", base) as (url_app, pid), \
         serveur_streamlit(commande_triviale, dossier / "triviale.log", base) as (url_triviale, pid_trivial), \
         sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS_CHROMIUM + ARGS_HORS_LIGNE)
        try:
            dire("profils : une ouverture (non comptée) puis une sous les profileurs, par page…")
            for chemin in pages:
                mesurer_page(navigateur, url_app, chemin)
                profiler(navigateur, url_app, chemin, (pid, releve))
            mesurer_page(navigateur, url_triviale, "/")
            profiler(navigateur, url_triviale, "/", (pid_trivial, releve_trivial), nom="page triviale")
        finally:
            navigateur.close()



def main() -> None:
    global ATTENTE_MS
    parseur = argparse.ArgumentParser(description="Banc d'essai dans le navigateur (ouverture et changement de quartier).")
    parseur.add_argument("--rapide", action="store_true", help="2 mesures par page au lieu de 5")
    parseur.add_argument("--mesures", type=int, choices=range(1, 21), metavar="1..20", help="mesures par page")
    parseur.add_argument("--attente", type=int, default=ATTENTE_MS // 1000, metavar="S",
                         help="borne de chaque attente, en secondes (au-delà : mesure non terminée)")
    parseur.add_argument("--profil", action="store_true",
                         help="au lieu des mesures : profils du JavaScript (Chromium) et du serveur (piles échantillonnées) de chaque page")
    parseur.add_argument("--sans-surveillance", action="store_true",
                         help="essai : les deux serveurs sans surveillance des fichiers sources "
                              "(STREAMLIT_SERVER_FILE_WATCHER_TYPE=none), pour chiffrer ce réglage")
    parseur.add_argument("--pages", nargs="+", choices=PAGES, metavar="CHEMIN", help=f"parmi {' '.join(PAGES)}")
    args = parseur.parse_args()
    ATTENTE_MS = max(5, args.attente) * 1000
    mesures = args.mesures or (2 if args.rapide else 5)
    pages = args.pages or PAGES
    debut = time.monotonic()

    print("Banc d'essai dans le navigateur (bench/navigateur_bench.py)")
    print(f"Date : {dt.datetime.now(dt.timezone.utc):%d/%m/%Y %H:%M} UTC ; machine : {platform.platform()}, "
          f"{os.cpu_count()} cœur(s) ; Chromium {CHROMIUM}")
    print(f"Charge avant : {charge_machine()}")
    print(f"{mesures} mesure(s) par page ; fenêtre de calme {CALME_MS} ms ; durée bornée à {DUREE_MAX_S // 60} min.",
          flush=True)

    resultats: dict[str, Resultats] = {}
    try:
        from playwright.sync_api import sync_playwright

        with tempfile.TemporaryDirectory(prefix="banc-navigateur-") as d:
            dossier = Path(d)
            base = f"sqlite:///{dossier / 'ctg.sqlite3'}"  # jamais var/ctg.sqlite3
            triviale = ecrire_page_triviale(dossier)
            if args.profil:
                profiler_tout(dossier, base, triviale, pages)
                return
            reglages = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"} if args.sans_surveillance else {}
            if reglages:
                print("Essai : les deux serveurs sans surveillance des fichiers sources "
                      "(STREAMLIT_SERVER_FILE_WATCHER_TYPE=none).")
            with serveur(dossier / "app.log", CTG_DATABASE_URL=base, **reglages) as url_app, \
                 serveur_trivial(triviale, dossier / "triviale.log", base, **reglages) as (url_triviale, _), \
                 sync_playwright() as p:
                navigateur = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS_CHROMIUM + ARGS_HORS_LIGNE)
                try:
                    dire("mise en route : chaque page ouverte une fois (imports et caches du serveur), non mesurée…")
                    mesurer_page(navigateur, url_triviale, "/")
                    for chemin in pages:
                        o, _ = mesurer_page(navigateur, url_app, chemin)
                        dire(f"  {chemin} : {decimal(o.total)} s {o.erreur[:200]}")
                    for n in range(mesures):
                        for chemin in pages:
                            if time.monotonic() - debut > DUREE_MAX_S:
                                raise TimeoutError(f"durée maximale ({DUREE_MAX_S // 60} min) atteinte")
                            r = resultats.setdefault(chemin, Resultats())
                            # La page et la page triviale côte à côte, dans un ordre qui alterne.
                            ordre = [("triviale", url_triviale, "/"), ("page", url_app, chemin)]
                            for genre, url, ch in (ordre if n % 2 == 0 else ordre[::-1]):
                                o, cs = mesurer_page(navigateur, url, ch)
                                if genre == "page":
                                    r.ouvertures.append(o)
                                    r.changements.extend(cs)
                                else:
                                    r.triviale_ouvertures.append(o)
                                    r.triviale_changements.extend(cs)
                            dire(f"mesure {n + 1}/{mesures} {chemin} : ouverture {decimal(r.ouvertures[-1].total)} s "
                                 f"(triviale {decimal(r.triviale_ouvertures[-1].total)}), changements "
                                 f"{' '.join(decimal(m.total) for m in r.changements[-2:])} s "
                                 f"(triviale {' '.join(decimal(m.total) for m in r.triviale_changements[-2:])})")
                except TimeoutError as e:
                    dire(f"arrêt : {e}")
                finally:
                    navigateur.close()
                journal = (dossier / "app.log").read_text(encoding="utf-8", errors="replace")
                if "Traceback" in journal:
                    dire("le journal du serveur de l'application contient une erreur (Traceback) :")
                    print(journal[journal.index("Traceback"):][:2000])
    except Exception:  # noqa: BLE001 — le banc n'échoue jamais : il dit ce qui s'est passé
        dire("le banc s'est arrêté sur une erreur :")
        traceback.print_exc(file=sys.stdout)
    finally:
        if resultats:
            afficher(resultats, mesures)
        print(f"\nCharge après : {charge_machine()}")
        print(f"Durée du banc : {time.monotonic() - debut:.0f} s")


if __name__ == "__main__":
    main()
