"""Capacité du serveur, sans navigateur : des sessions Streamlit simulées par le protocole de Streamlit
(``bench/protocole.py``), lancées par Locust (utilisé comme bibliothèque), sur la boucle locale.

    .venv/bin/python bench/protocole_bench.py                        # séminaire : 30 sessions
    .venv/bin/python bench/protocole_bench.py --sessions 30,60,100   # puis 60 et 100 : où ça casse
    .venv/bin/python bench/protocole_bench.py --salles 10 --intervalle 60   # accumulation (salles de 30)
    .venv/bin/python bench/protocole_bench.py --diagnostic --sessions 4     # ce que garde chaque session

Séminaire : N sessions arrivent, étalées sur 10 s ; chacune ouvre l'Accueil, la Carte, choisit le
quartier « Grésilles », ouvre le Plan d'actions, choisit « Fontaine d'Ouche » (une pause de 1 s entre
deux étapes, une personne qui lit). Chaque étape est mesurée jusqu'à la fin du script
(``script_finished``). La même charge est jouée, dans le même lancement, sur une application triviale
(un titre et un menu « Quartier » dans la colonne de gauche, fichier temporaire), lancée de la même
façon (même Python, même dossier, donc même ``.streamlit/config.toml``).

Accumulation (``--salles``) : un seul serveur ; une salle de 30 sessions (le premier nombre de
``--sessions``) toutes les ``--intervalle`` secondes ; 95e centile et mémoire par salle, puis la
mémoire une fois les sessions expirées (``server.disconnectedSessionTTL``, 120 s par défaut ; le banc
n'en met une plus courte que si on le lui demande par ``--ttl``, et il l'écrit alors).

Diagnostic (``--diagnostic``) : le serveur tourne sous ``bench/sonde_serveur.py`` (une sonde qui
n'existe que là) ; quelques sessions jouent le scénario (plus la page Mode séminaire), et la sonde dit
après chaque phase ce que le serveur garde : sessions, ``st.session_state``, caches, téléchargements,
objets Python, allocations (tracemalloc), et ce que gardent les deux allocateurs (celui de Python,
pymalloc, et la glibc). ``--ensemble`` : les sessions jouées en même temps, comme une salle.

Mesures du serveur : temps processeur (utime + stime de tous les processus de son groupe, lus dans
/proc) et mémoire (VmRSS, processus enfants compris), relevés toutes les 0,5 s.

Borné : chaque étape attend 120 s au plus, chaque charge 10 min, le banc entier ``--duree-max``
secondes (45 min par défaut) ; il s'arrête seul, arrête les serveurs qu'il a lancés (par leur groupe
de processus) et n'échoue jamais (code de sortie 0, l'erreur est affichée).

Les paquets du banc (Locust, websocket-client) sont installés à part, dans ``.venv/paquets-bench``
(voir ``bench/requirements.txt``) ; le banc les installe lui-même s'ils manquent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PAQUETS_BENCH = RACINE / ".venv" / "paquets-bench"
EXIGENCES_BENCH = RACINE / "bench" / "requirements.txt"


def _preparer_paquets() -> bool:
    """Locust et websocket-client dans .venv/paquets-bench (pas dans .venv : l'extension pytest de
    Locust serait chargée par la suite de tests). Installés depuis le registre s'ils manquent."""
    if not (PAQUETS_BENCH / "locust").is_dir() or not (PAQUETS_BENCH / "websocket").is_dir():
        print(f"[bench] installation des paquets du banc dans {PAQUETS_BENCH} (bench/requirements.txt)…", flush=True)
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar",
                            "off", "--quiet", "--target", str(PAQUETS_BENCH), "-r", str(EXIGENCES_BENCH)])
        if r.returncode != 0:
            print("[bench] installation impossible : le banc s'arrête sans mesure.")
            return False
    if str(PAQUETS_BENCH) not in sys.path:
        sys.path.append(str(PAQUETS_BENCH))  # après .venv : ses versions gardent la priorité
    return True


if __name__ == "__main__" and not _preparer_paquets():
    sys.exit(0)

# Locust remplace les fonctions bloquantes de la bibliothèque standard par celles de gevent (« monkey
# patching ») dès son import : il doit être importé avant le reste.
import gevent  # noqa: E402
from locust import User, constant, task  # noqa: E402
from locust.event import Events  # noqa: E402
from locust.env import Environment  # noqa: E402

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

sys.path.insert(0, str(RACINE))
sys.path.insert(0, str(RACINE / "bench"))

from protocole import ErreurSession, SessionStreamlit  # noqa: E402
from tests.conftest import attendre_sante, environnement_serveur, port_libre  # noqa: E402

PY = RACINE / ".venv" / "bin" / "python"
ETALEMENT_S = 10.0  # les arrivées d'une salle, étalées sur 10 s
PAUSE_S = 1.0  # entre deux étapes d'une session
DELAI_ETAPE_S = 120.0
DUREE_MAX_CHARGE_S = 600.0
TTL_STREAMLIT_S = 120  # server.disconnectedSessionTTL par défaut (Streamlit 1.67)
SESSIONS_MAX = 200
SALLES_MAX = 12

# Le scénario d'une session : (étape, page ouverte, quartier choisi). Une page par son adresse.
SCENARIO = [
    ("Accueil (/, session neuve)", "/", None),
    ("Carte (/carte)", "/carte", None),
    ("Quartier Grésilles (carte)", None, "Grésilles"),
    ("Plan (/plan)", "/plan", None),
    ("Quartier Fontaine d'Ouche (plan)", None, "Fontaine d'Ouche"),
]
# Diagnostic : le même, plus la page Mode séminaire (elle garde son diaporama dans la session), puis la
# Carte de nouveau (Streamlit garde les téléchargements de la dernière page affichée).
SCENARIO_DIAGNOSTIC = [*SCENARIO, ("Mode séminaire (/seminaire)", "/seminaire", None),
                       ("Carte de nouveau (/carte)", "/carte", None)]

APP_TRIVIALE = '''"""Application triviale du banc d'essai (bench/protocole_bench.py) : la référence."""
import streamlit as st

st.title("Application triviale")
with st.sidebar:
    st.selectbox("Quartier", ["Tout Dijon", "Grésilles", "Fontaine d'Ouche"], key="quartier")
'''

_groupes_lances: set[int] = set()  # groupes de processus des serveurs lancés, arrêtés à la fin quoi qu'il arrive


def dire(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Serveurs -----------------------------------------------------------------------------------
@dataclass
class Serveur:
    nom: str
    url: str
    pid: int
    journal: Path


@contextlib.contextmanager
def serveur(nom: str, commande: list[str], dossier: Path, **env_en_plus: str):
    """Lance un serveur Streamlit sur un port libre de la boucle locale (comme ``tests.conftest.serveur`` :
    même environnement, magasin SQLite temporaire, jamais var/), dans son propre groupe de processus."""
    port = port_libre()
    journal = dossier / f"{nom}.log"
    env = environnement_serveur(journal, port, CTG_DATABASE_URL=f"sqlite:///{dossier / (nom + '.sqlite3')}",
                                **{**ENV_EN_PLUS, **env_en_plus})
    with journal.open("w") as sortie:
        p = subprocess.Popen(commande, cwd=RACINE, env=env, stdout=sortie, stderr=subprocess.STDOUT,
                             start_new_session=True)
    _groupes_lances.add(p.pid)
    try:
        attendre_sante(f"http://127.0.0.1:{port}", p)
        yield Serveur(nom, f"http://127.0.0.1:{port}", p.pid, journal)
    finally:
        arreter_groupe(p.pid)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
        _groupes_lances.discard(p.pid)


@contextlib.contextmanager
def application(nom: str, commande: list[str], dossier: Path):
    """Le serveur à charger, et les groupes de processus dont on relève le processeur et la mémoire.

    ``SERVEURS == 1`` : un serveur (``serveur``). ``SERVEURS == 2`` (``--serveurs 2``) : deux serveurs
    lancés par la même commande, chacun sur son magasin SQLite temporaire (le scénario n'écrit rien),
    derrière nginx lancé sur ``deploiement/nginx.conf`` (la configuration documentée et testée,
    ``tests/test_repartiteur.nginx_devant``) ; les sessions passent par nginx (une connexion WebSocket
    reste sur un serveur). Processeur et mémoire : la somme des deux serveurs (nginx non compté)."""
    if SERVEURS == 1:
        with serveur(nom, commande, dossier) as srv:
            yield srv, [srv.pid]
        return
    from tests.test_repartiteur import nginx_devant

    with serveur(f"{nom}-a", commande, dossier) as a, serveur(f"{nom}-b", commande, dossier) as b, \
            nginx_devant(a.url, b.url) as repartiteur:
        yield Serveur(nom, repartiteur.adresse, a.pid, a.journal), [a.pid, b.pid]


def arreter_groupe(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)


SERVEURS = 1  # --serveurs 2 : deux serveurs derrière nginx (voir application())
OPTIONS_EN_PLUS: list[str] = []  # --sans-surveillance : ["--server.fileWatcherType=none"]
ENV_EN_PLUS: dict[str, str] = {}  # --arenes N : {"MALLOC_ARENA_MAX": "N"}


def commande_app(ttl: int | None, sonde: bool = False) -> list[str]:
    options = ([f"--server.disconnectedSessionTTL={ttl}"] if ttl is not None else []) + OPTIONS_EN_PLUS
    if sonde:
        # La commande du lanceur, sous la sonde de diagnostic (static/ préparé comme le fait le lanceur).
        subprocess.run([str(PY), "-m", "ctg_data.statique"], cwd=RACINE, check=True, stdout=subprocess.DEVNULL)
        return [str(PY), str(RACINE / "bench" / "sonde_serveur.py"), "run", str(RACINE / "app.py"), *options]
    return ["python3", "-m", "ctg_data.lanceur", "app", *options]  # la commande du README


def commande_triviale(fichier: Path, ttl: int | None) -> list[str]:
    options = ([f"--server.disconnectedSessionTTL={ttl}"] if ttl is not None else []) + OPTIONS_EN_PLUS
    return [str(PY), "-m", "streamlit", "run", str(fichier), *options]


# --- Processeur et mémoire du serveur (depuis /proc) ---------------------------------------------
TICKS = os.sysconf("SC_CLK_TCK")


def processus_du_groupe(pgid: int) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            champs = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(champs[2]) == pgid:  # champ 5 de stat : groupe de processus
            pids.append(int(d))
    return pids


def cpu_et_memoire(pgids: int | list[int]) -> tuple[float, int]:
    """(secondes de processeur utime + stime, VmRSS en Ko) de tous les processus du groupe (ou des groupes)."""
    cpu, rss = 0.0, 0
    groupes = [pgids] if isinstance(pgids, int) else pgids
    for pid in [p for g in groupes for p in processus_du_groupe(g)]:
        try:
            champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(champs[11]) + int(champs[12])) / TICKS  # utime, stime (champs 14 et 15)
            for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
                if ligne.startswith("VmRSS:"):
                    rss += int(ligne.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return cpu, rss


class Releve:
    """Relevé toutes les 0,5 s du processeur et de la mémoire d'un serveur (un greenlet)."""

    def __init__(self, pgid: int | list[int], periode_s: float = 0.5):
        self.pgid, self.periode_s = pgid, periode_s
        self.points: list[tuple[float, float, int]] = []  # (instant, cpu s, rss Ko)
        self._g = gevent.spawn(self._boucle)

    def _boucle(self) -> None:
        while True:
            cpu, rss = cpu_et_memoire(self.pgid)
            self.points.append((time.monotonic(), cpu, rss))
            gevent.sleep(self.periode_s)

    def maintenant(self) -> tuple[float, float, int]:
        cpu, rss = cpu_et_memoire(self.pgid)
        return time.monotonic(), cpu, rss

    def entre(self, t0: float, t1: float) -> list[tuple[float, float, int]]:
        return [p for p in self.points if t0 <= p[0] <= t1]

    def arreter(self) -> None:
        self._g.kill()


# --- Une charge : N sessions, par Locust -------------------------------------------------------
@dataclass
class Resultat:
    etape: str
    duree_s: float | None  # None : étape non terminée (session arrêtée avant)
    erreurs: list[str]
    octets: int = 0


@dataclass
class Charge:
    nom: str
    sessions: int
    resultats: list[Resultat] = field(default_factory=list)
    sessions_terminees: int = 0
    sessions_completes: int = 0  # toutes les étapes, sans erreur de session
    t0: float = 0.0
    t1: float = 0.0
    cpu_s: float = 0.0
    rss_debut_ko: int = 0
    rss_max_ko: int = 0
    rss_fin_ko: int = 0
    cpu_client_s: float = 0.0

    def durees(self, etape: str | None = None) -> list[float]:
        return [r.duree_s for r in self.resultats if r.duree_s is not None and (etape is None or r.etape == etape)]

    def erreurs(self, etape: str | None = None) -> list[str]:
        return [e for r in self.resultats if etape is None or r.etape == etape for e in r.erreurs]


class ErreurPage(Exception):
    """Une page a affiché une erreur (pour les statistiques de Locust)."""


class Visiteur(User):
    """Une personne de la salle : une session Streamlit qui joue le scénario une fois, puis ferme l'onglet.

    Locust est fait pour tenir N utilisateurs actifs : un utilisateur qui s'arrête (``StopUser``) pendant
    que les arrivées sont encore étalées est remplacé par un nouveau. Ici, une fois le scénario joué,
    l'utilisateur Locust reste donc inactif (sans connexion) jusqu'à la fin de la charge : chaque
    utilisateur Locust est exactement une session, jouée une seule fois."""

    abstract = True
    wait_time = constant(0)
    charge: Charge
    scenario: list
    triviale: bool = False
    joue: bool = False

    @task
    def jouer(self) -> None:
        if self.joue:  # déjà joué (ou interrompu par une erreur du banc) : ne jamais rejouer
            gevent.sleep(3600)
            return
        self.joue = True
        s = SessionStreamlit(self.host, delai_s=DELAI_ETAPE_S)
        fait = 0
        try:
            for i, (etape, chemin, quartier) in enumerate(self.scenario):
                if i:
                    gevent.sleep(PAUSE_S)
                if self.triviale and chemin is not None:
                    chemin = "/"  # une seule page : chaque « page » relance la même
                try:
                    m = s.executer(etape, chemin=chemin, changer_quartier=quartier)
                except ErreurSession as e:
                    self.charge.resultats.append(Resultat(etape, None, [str(e)]))
                    self.environment.events.request.fire(request_type="streamlit", name=etape, response_time=0,
                                                         response_length=0, exception=e, context={})
                    break
                fait += 1
                self.charge.resultats.append(Resultat(etape, m.duree_s, m.erreurs, m.octets))
                self.environment.events.request.fire(
                    request_type="streamlit", name=etape, response_time=m.duree_s * 1000, response_length=m.octets,
                    exception=ErreurPage("; ".join(m.erreurs)) if m.erreurs else None, context={})
        finally:
            s.fermer()  # l'onglet fermé : la session est gardée par le serveur jusqu'à son expiration
            self.charge.sessions_terminees += 1
            if fait == len(self.scenario):
                self.charge.sessions_completes += 1


def jouer_charge(nom: str, srv: Serveur, releve: Releve, n: int, scenario: list, triviale: bool = False,
                 fin_au_plus_tard: float | None = None) -> Charge:
    """N sessions, arrivées étalées sur ETALEMENT_S secondes (Locust : N utilisateurs, N / 10 par seconde),
    chacune joue le scénario une fois. Attend qu'elles aient toutes fini (borné)."""
    charge = Charge(nom, n)
    classe = type(f"Visiteur_{nom.replace(' ', '_')}", (Visiteur,),
                  {"charge": charge, "scenario": scenario, "triviale": triviale, "host": srv.url})
    env = Environment(user_classes=[classe], events=Events(), host=srv.url)  # statistiques propres à la charge
    runner = env.create_local_runner()
    cpu_client0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    charge.t0, cpu0, charge.rss_debut_ko = releve.maintenant()
    runner.start(n, spawn_rate=n / ETALEMENT_S)
    limite = time.monotonic() + DUREE_MAX_CHARGE_S
    if fin_au_plus_tard is not None:
        limite = min(limite, fin_au_plus_tard)
    while charge.sessions_terminees < n and time.monotonic() < limite:
        gevent.sleep(0.2)
    if charge.sessions_terminees < n:
        dire(f"{nom} : durée maximale atteinte, {n - charge.sessions_terminees} session(s) arrêtée(s)")
    runner.quit()
    charge.t1, cpu1, charge.rss_fin_ko = releve.maintenant()
    charge.cpu_s = cpu1 - cpu0
    charge.rss_max_ko = max([p[2] for p in releve.entre(charge.t0, charge.t1)] + [charge.rss_fin_ko])
    charge.cpu_client_s = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu_client0
    return charge


# --- Chiffres ---------------------------------------------------------------------------------
def centile(valeurs: list[float], q: float) -> float | None:
    """Centile par interpolation linéaire (comme ``statistics.quantiles(..., method="inclusive")``)."""
    if not valeurs:
        return None
    v = sorted(valeurs)
    if len(v) == 1:
        return v[0]
    pos = (len(v) - 1) * q
    i = int(pos)
    return v[i] + (v[min(i + 1, len(v) - 1)] - v[i]) * (pos - i)


def s_(x: float | None) -> str:
    return "   —  " if x is None else f"{x:6.2f}"


def mo(ko: int) -> str:
    return f"{ko / 1024:.0f} Mo"


def ligne_charge(c: Charge, etape: str | None) -> str:
    d = c.durees(etape)
    return (f"{len(d):4d} {s_(statistics.median(d) if d else None)} {s_(centile(d, 0.95))} "
            f"{s_(max(d) if d else None)} {len(c.erreurs(etape)):4d}")


def afficher_cote_a_cote(app: Charge, triv: Charge, scenario: list) -> None:
    print(f"\n=== {app.sessions} sessions, arrivées étalées sur {ETALEMENT_S:.0f} s (secondes jusqu'à la fin du script) ===")
    print(f"{'étape':36} | {'application CTG':^33} | {'application triviale':^33}")
    print(f"{'':36} | {'n':>4} {'médiane':>7} {'p95':>6} {'max':>6} {'err':>4} | {'n':>4} {'médiane':>7} {'p95':>6} {'max':>6} {'err':>4}")
    for etape, _, _ in scenario:
        print(f"{etape:36} | {ligne_charge(app, etape)} | {ligne_charge(triv, etape)}")
    print(f"{'toutes les étapes':36} | {ligne_charge(app, None)} | {ligne_charge(triv, None)}")
    for c in (app, triv):
        duree = c.t1 - c.t0
        print(f"{c.nom:22}: sessions complètes {c.sessions_completes}/{c.sessions} ; durée {duree:.0f} s ; "
              f"processeur du serveur {c.cpu_s:.1f} s ({100 * c.cpu_s / max(duree, 1e-9):.0f} % d'un cœur, "
              f"{c.cpu_s / max(c.sessions, 1):.2f} s par session) ; "
              f"mémoire du serveur {mo(c.rss_debut_ko)} au début, {mo(c.rss_max_ko)} au plus, {mo(c.rss_fin_ko)} à la fin ; "
              f"processeur du client de charge {c.cpu_client_s:.1f} s")
    p95_app, p95_triv = centile(app.durees(), 0.95), centile(triv.durees(), 0.95)
    rapport = (p95_app / p95_triv) if p95_app and p95_triv else None
    print("Objectifs :")
    print(f"  0 erreur ................................. {len(app.erreurs())} erreur(s), "
          f"{app.sessions_completes}/{app.sessions} sessions complètes -> {'atteint' if not app.erreurs() and app.sessions_completes == app.sessions else 'NON atteint'}")
    if rapport is not None:
        print(f"  p95 ≤ 3 × p95 de l'application triviale .. {p95_app:.2f} s / {p95_triv:.2f} s = {rapport:.1f} × "
              f"-> {'atteint' if rapport <= 3 else 'NON atteint'}")
    print(f"  mémoire du serveur ≤ 500 Mo .............. {mo(app.rss_max_ko)} au plus "
          f"-> {'atteint' if app.rss_max_ko <= 500 * 1024 else 'NON atteint'}")
    exemples = list(dict.fromkeys(app.erreurs() + triv.erreurs()))[:5]
    for e in exemples:
        print(f"  erreur : {e[:200]}")


def echauffer(srv: Serveur, releve: Releve, scenario: list, triviale: bool) -> Charge:
    """Une session seule sur le serveur neuf (premiers imports, caches vides) : le serveur « chaud »."""
    c = jouer_charge(f"{srv.nom} (1 session, serveur neuf)", srv, releve, 1, scenario, triviale)
    etapes = " ; ".join(f"{r.etape.split(' (')[0]} {r.duree_s:.2f} s" for r in c.resultats if r.duree_s is not None)
    print(f"  {srv.nom} : une session sur le serveur neuf : {etapes or 'aucune étape finie'} ; "
          f"{len(c.erreurs())} erreur(s) {c.erreurs()[:2] or ''} ; mémoire {mo(c.rss_fin_ko)}")
    return c


# --- Modes ------------------------------------------------------------------------------------
def mode_seminaire(tailles: list[int], ttl: int | None, dossier: Path, fin: float) -> None:
    triviale = dossier / "app_triviale.py"
    triviale.write_text(APP_TRIVIALE, encoding="utf-8")
    for n in tailles:
        if time.monotonic() > fin - 60:
            dire(f"durée maximale du banc presque atteinte : {n} sessions non mesurées")
            break
        charges = {}
        for nom, commande, est_triviale in (("application CTG", commande_app(ttl), False),
                                           ("application triviale", commande_triviale(triviale, ttl), True)):
            dire(f"{nom} : serveur neuf pour {n} sessions…")
            with application(nom.replace(" ", "-"), commande, dossier) as (srv, groupes):
                releve = Releve(groupes)
                try:
                    echauffer(srv, releve, SCENARIO, est_triviale)
                    gevent.sleep(2)
                    dire(f"{nom} : {n} sessions…")
                    charges[nom] = jouer_charge(nom, srv, releve, n, SCENARIO, est_triviale, fin)
                finally:
                    releve.arreter()
        afficher_cote_a_cote(charges["application CTG"], charges["application triviale"], SCENARIO)


def mode_salles(n: int, salles: int, intervalle: float, ttl: int | None, dossier: Path, fin: float) -> None:
    ttl_effectif = ttl if ttl is not None else TTL_STREAMLIT_S
    with application("application-CTG", commande_app(ttl), dossier) as (srv, groupes):
        releve = Releve(groupes)
        try:
            echauffer(srv, releve, SCENARIO, False)
            _, _, rss_depart = releve.maintenant()
            dire(f"{salles} salles de {n} sessions, une toutes les {intervalle:.0f} s ; mémoire au départ {mo(rss_depart)}")
            resultats: list[Charge | None] = [None] * salles
            t_depart = time.monotonic()

            def salle(k: int) -> None:
                gevent.sleep(max(0.0, t_depart + k * intervalle - time.monotonic()))
                if time.monotonic() > fin - 30:
                    return
                dire(f"salle {k + 1}…")
                resultats[k] = jouer_charge(f"salle {k + 1}", srv, releve, n, SCENARIO, False, fin)
                c = resultats[k]
                dire(f"salle {k + 1} finie : p95 {s_(centile(c.durees(), 0.95))} s, {len(c.erreurs())} erreur(s), "
                     f"mémoire {mo(c.rss_fin_ko)}")

            gevent.joinall([gevent.spawn(salle, k) for k in range(salles)])
            t_fin_salles, _, rss_fin_salles = releve.maintenant()
            # Après l'expiration : les sessions déconnectées sont gardées ttl secondes ; Streamlit ne retire les
            # expirées qu'à la prochaine écriture dans son magasin de sessions (une déconnexion) : on mesure
            # avant, puis après une session de plus (Accueil seulement).
            attente = ttl_effectif + 15
            if time.monotonic() + attente + 30 < fin:
                dire(f"attente de l'expiration des sessions ({attente:.0f} s)…")
                gevent.sleep(attente)
                _, _, rss_expire = releve.maintenant()
                c = jouer_charge("une session après expiration", srv, releve, 1, SCENARIO[:1], False, fin)
                gevent.sleep(3)
                _, _, rss_apres = releve.maintenant()
            else:
                rss_expire = rss_apres = None
                c = None
        finally:
            releve.arreter()
    print(f"\n=== Accumulation : {salles} salles de {n} sessions sur un serveur, une toutes les {intervalle:.0f} s ===")
    print(f"server.disconnectedSessionTTL : {ttl_effectif} s" + (" (RACCOURCI par --ttl pour ce banc)" if ttl is not None else " (réglage réel)"))
    print(f"{'salle':>5} | {'n':>4} {'médiane':>7} {'p95':>6} {'max':>6} {'err':>4} | {'mémoire fin':>11} {'max':>7} | "
          "processeur du serveur pendant la salle (salles qui se chevauchent comprises)")
    premieres = None
    for k, c2 in enumerate(resultats):
        if c2 is None:
            print(f"{k + 1:5d} | non jouée (durée maximale du banc)")
            continue
        premieres = premieres or c2
        duree = c2.t1 - c2.t0
        print(f"{k + 1:5d} | {ligne_charge(c2, None)} | {mo(c2.rss_fin_ko):>11} {mo(c2.rss_max_ko):>7} | "
              f"{c2.cpu_s:.0f} s ({100 * c2.cpu_s / max(duree, 1e-9):.0f} %)")
    jouees = [c2 for c2 in resultats if c2 is not None]
    print(f"Mémoire : {mo(rss_depart)} avant la première salle, {mo(rss_fin_salles)} après la dernière"
          + (f", {mo(rss_expire)} après {ttl_effectif + 15} s sans activité (sessions expirées)" if rss_expire else "")
          + (f", {mo(rss_apres)} après une session de plus (Streamlit retire alors les sessions expirées)" if rss_apres else ""))
    if c is not None:
        print(f"  (cette session : {s_(c.durees()[0] if c.durees() else None)} s)")
    if len(jouees) >= 2:
        p1, pn = centile(jouees[0].durees(), 0.95), centile(jouees[-1].durees(), 0.95)
        if p1 and pn:
            print(f"Objectif : p95 de la dernière salle ≤ 1,2 × la première : {pn:.2f} / {p1:.2f} = {pn / p1:.2f} × "
                  f"-> {'atteint' if pn <= 1.2 * p1 else 'NON atteint'}")
    if rss_apres:
        print(f"Objectif : mémoire revenue au départ après expiration : {mo(rss_apres)} / {mo(rss_depart)} "
              f"(+{(rss_apres - rss_depart) / 1024:.0f} Mo)")


# --- Diagnostic ---------------------------------------------------------------------------------
class Sonde:
    def __init__(self, dossier: Path):
        self.dossier, self.n = dossier, 0

    def demander(self, etiquette: str, delai_s: float = 600) -> dict:
        self.n += 1
        provisoire = self.dossier / ".demande.json"
        provisoire.write_text(json.dumps({"n": self.n, "etiquette": etiquette}))
        provisoire.rename(self.dossier / "demande.json")
        reponse = self.dossier / f"reponse-{self.n}.json"
        limite = time.monotonic() + delai_s
        while not reponse.exists() and time.monotonic() < limite:
            gevent.sleep(0.3)
        if not reponse.exists():
            return {"etiquette": etiquette, "erreur": "pas de réponse de la sonde"}
        d = json.loads(reponse.read_text())
        (self.dossier / f"{self.n:02d}-{etiquette}.json").write_text(json.dumps(d, ensure_ascii=False, indent=1))
        return d


def resume_sonde(d: dict, avant: dict | None, n_sessions: int) -> None:
    print(f"\n--- {d.get('etiquette')} : VmRSS {d.get('rss_ko', 0) / 1024:.0f} Mo ; objets suivis par le ramasse-miettes "
          f"{d.get('objets_gc', 0):,} ; relevé en {d.get('duree_s', 0):.1f} s".replace(",", " "))
    if "erreur" in d:
        print("  ", d["erreur"][:500])
        return
    if avant:
        drss = (d["rss_ko"] - avant["rss_ko"]) / 1024
        print(f"  depuis « {avant['etiquette']} » : VmRSS {drss:+.0f} Mo ; objets {d['objets_gc'] - avant['objets_gc']:+,}".replace(",", " ")
              + (f" ; par session : {drss / n_sessions:+.1f} Mo, {(d['objets_gc'] - avant['objets_gc']) / n_sessions:+,.0f} objets".replace(",", " ") if n_sessions else ""))
        types = {k: d["objets_par_type"].get(k, 0) - avant["objets_par_type"].get(k, 0)
                 for k in set(d["objets_par_type"]) | set(avant["objets_par_type"])}
        plus = sorted(types.items(), key=lambda kv: -kv[1])[:12]
        print("  objets en plus, par type : " + ", ".join(f"{k} {v:+}" for k, v in plus if v))
    pm, gl = d.get("pymalloc") or {}, d.get("glibc") or {}
    if pm or gl:
        m = lambda o: f"{(o or 0) / 1024 / 1024:.1f} Mo"  # noqa: E731
        print(f"  allocateurs : Python (pymalloc) {m(pm.get('total'))} réservés en {pm.get('arenes_allouees', '?')} arène(s), "
              f"dont {m(pm.get('octets_arenes'))} d'objets vivants et {m((pm.get('octets_libres_pools') or 0) + (pm.get('octets_pools_vides') or 0))} "
              f"de place libre gardée ; glibc {m(gl.get('utilises'))} utilisés, {m(gl.get('libres_gardes'))} libres gardés, "
              f"{m(gl.get('par_mmap'))} par mmap")
    etats = {}
    for s in d.get("sessions", []):
        etats[s["etat"]] = etats.get(s["etat"], 0) + 1
    print(f"  sessions : {etats or 'aucune'}")
    for s in d.get("sessions", [])[:2]:
        cles = sorted(s["cles"].items(), key=lambda kv: -kv[1]["octets"])
        print(f"  session {s['id'][:8]} ({s['etat']}) : st.session_state {s['octets'] / 1024:.1f} Ko : "
              + ", ".join(f"{k} {v['octets'] / 1024:.1f} Ko ({v['type'].rsplit('.', 1)[-1]})" for k, v in cles[:8]))
    if d.get("fichiers"):
        f = d["fichiers"]
        print(f"  Streamlit garde : {f.get('fichiers')} fichier(s) ({f.get('octets_fichiers', 0) / 1024:.0f} Ko) ; "
              f"{f.get('telechargements_differes')} téléchargement(s) différé(s) de {f.get('sessions_avec_telechargements_differes')} session(s) "
              f"(≈ {f.get('octets_telechargements_differes', 0) / 1024:.0f} Ko avec les tableaux qu'ils retiennent) ; "
              f"{f.get('sources_de_tableaux', '?')} source(s) de tableaux de {f.get('sessions_avec_sources_de_tableaux', '?')} session(s)")
    if d.get("surveillance") is not None or d.get("references_pandas") is not None:
        sv, rp = d.get("surveillance") or {}, d.get("references_pandas") or {}
        print(f"  surveillance des fichiers : {sv.get('dossiers', '?')} dossier(s), {sv.get('fichiers', '?')} fichier(s), "
              f"{sv.get('abonnements', '?')} abonnement(s) (un par session et par fichier) ; pandas : "
              f"{rp.get('references_vivantes', '?')} référence(s) vivante(s) et {rp.get('references_mortes', '?')} morte(s) "
              f"vers des blocs partagés")
    caches = d.get("caches", [])
    if caches:
        par_session = [c for c in caches if c["portee"] != "globale"]
        globales = sorted([c for c in caches if c["portee"] == "globale"], key=lambda c: -c["octets"])
        print(f"  caches : {sum(c['entrees'] for c in globales)} entrée(s) globales "
              f"({sum(c['octets'] for c in globales) / 1024 / 1024:.1f} Mo) ; {len(par_session)} cache(s) propres à une session")
        print("    plus gros : " + ", ".join(f"{c['fonction'].rsplit('.', 1)[-1]} ({c['genre']}) {c['entrees']} × "
                                         f"{c['octets'] / 1024:.0f} Ko" for c in globales[:8]))
    tm = d.get("tracemalloc")
    if tm and tm.get("par_ligne_du_projet"):
        print(f"  tracemalloc : {tm['octets_suivis'] / 1024 / 1024:.1f} Mo suivis ; allocations en plus, par ligne du projet "
              "(la plus proche de l'allocation) :")
        for x in tm["par_ligne_du_projet"][:15]:
            if x["diff"] > 50 * 1024:
                print(f"    {x['diff'] / 1024:+9.0f} Ko  {x['blocs']:+8d} blocs  {x['ligne']}")
        print("  … par ligne (bibliothèques comprises) :")
        for x in tm["par_ligne"][:10]:
            if x["diff"] > 50 * 1024:
                print(f"    {x['diff'] / 1024:+9.0f} Ko  {x['blocs']:+8d} blocs  {x['ligne'].replace(str(RACINE) + '/', '')}")


def mode_diagnostic(n: int, ttl: int, tracemalloc_: bool, dossier: Path, fin: float, ensemble: bool = False) -> None:
    sonde_dossier = dossier / "sonde"
    sonde_dossier.mkdir()
    # L'environnement que pose le lanceur (``ctg_data.lanceur.environnement_app``), sauf --arenes.
    from ctg_data.lanceur import ENVIRONNEMENT_APP

    env = {"CTG_SONDE_DOSSIER": str(sonde_dossier), "CTG_SONDE_TRACEMALLOC": "1" if tracemalloc_ else "0",
           **{nom: os.environ.get(nom, valeur) for nom, valeur in ENVIRONNEMENT_APP.items()}, **ENV_EN_PLUS}
    print(f"Diagnostic : {n} session(s) {'jouées en même temps (--ensemble)' if ensemble else 'jouées l’une après l’autre'} ; "
          f"server.disconnectedSessionTTL RACCOURCI à {ttl} s pour ce diagnostic ; "
          f"tracemalloc {'actif (serveur ralenti : temps non significatifs)' if tracemalloc_ else 'inactif'} ; "
          f"MALLOC_ARENA_MAX={env['MALLOC_ARENA_MAX']}")
    with serveur("application-CTG-sonde", commande_app(ttl, sonde=True), dossier, **env) as srv:
        releve = Releve(srv.pid)
        sonde = Sonde(sonde_dossier)
        try:
            echauffer(srv, releve, SCENARIO_DIAGNOSTIC, False)
            # Les caches globaux sont remplis par la session d'échauffement, qui a expiré : le point de départ.
            gevent.sleep(ttl + 5)
            jouer_charge("purge", srv, releve, 1, SCENARIO[:1], False, fin)  # retire les sessions expirées
            gevent.sleep(2)
            r0 = sonde.demander("depart")
            resume_sonde(r0, None, 0)
            # N sessions ouvertes en même temps, qui jouent le scénario et RESTENT connectées.
            ouvertes: list[SessionStreamlit] = []
            erreurs: list[str] = []

            cpu_par_etape: dict[str, list[tuple[float, float]]] = {}

            def une_session() -> None:
                s = SessionStreamlit(srv.url, delai_s=DELAI_ETAPE_S * 3)
                ouvertes.append(s)
                try:
                    for etape, chemin, quartier in SCENARIO_DIAGNOSTIC:
                        cpu0 = cpu_et_memoire(srv.pid)[0]
                        m = s.executer(etape, chemin=chemin, changer_quartier=quartier)
                        gevent.sleep(0.3)  # la fin d'exécution (nettoyage de Streamlit) comprise
                        cpu_par_etape.setdefault(etape, []).append((cpu_et_memoire(srv.pid)[0] - cpu0, m.duree_s))
                        erreurs.extend(m.erreurs)
                except ErreurSession as e:
                    erreurs.append(str(e))

            # Une session après l'autre (le serveur sous tracemalloc est lent), ou toutes en même temps comme une
            # salle (--ensemble) ; toutes restent connectées.
            limite = time.monotonic() + DUREE_MAX_CHARGE_S
            if ensemble:
                gevent.joinall([gevent.spawn(une_session) for _ in range(n)], timeout=DUREE_MAX_CHARGE_S)
            else:
                for _ in range(n):
                    if time.monotonic() < limite:
                        une_session()
            print(f"\nProcesseur du serveur par étape ({'sessions jouées en même temps, processeur de toutes' if ensemble else 'sessions jouées l’une après l’autre'} : médiane ; "
                  + ("sous tracemalloc, non significatif" if tracemalloc_ else "relevé dans /proc, au 1/100 s") + ") :")
            for etape, valeurs in cpu_par_etape.items():
                print(f"  {etape:36} processeur {statistics.median(v[0] for v in valeurs):5.2f} s ; "
                      f"durée {statistics.median(v[1] for v in valeurs):5.2f} s")
            total = sum(statistics.median(v[0] for v in valeurs) for valeurs in cpu_par_etape.values())
            print(f"  {'total d’une session':36} processeur {total:5.2f} s")
            # Un onglet ouvert répond aux « ping » du serveur (sinon celui-ci ferme la connexion après
            # environ 20 s) : un greenlet par session lit ce qui arrive pendant l'attente.
            def garder_ouverte(s: SessionStreamlit) -> None:
                while s.ws is not None:
                    try:
                        s.ws.settimeout(1)
                        s.ws.recv_data()  # websocket-client répond lui-même aux « ping »
                    except Exception:
                        gevent.sleep(0.2)

            gardiens = [gevent.spawn(garder_ouverte, s) for s in ouvertes]
            print(f"\n{len(ouvertes)} sessions ont joué le scénario (+ Mode séminaire, puis Carte), "
                  f"{'en même temps' if ensemble else 'l’une après l’autre'}, et restent "
                  f"connectées ; erreurs : {erreurs[:3] or 'aucune'}")
            r1 = sonde.demander("sessions-connectees")
            resume_sonde(r1, r0, n)
            gevent.killall(gardiens)
            for s in ouvertes:
                s.fermer()
            gevent.sleep(3)
            r2 = sonde.demander("sessions-deconnectees")
            resume_sonde(r2, r0, n)
            dire(f"attente de l'expiration ({ttl + 5} s)…")
            gevent.sleep(ttl + 5)
            r3 = sonde.demander("expirees-sans-activite")
            resume_sonde(r3, r0, n)
            jouer_charge("purge", srv, releve, 1, SCENARIO[:1], False, fin)
            gevent.sleep(2)
            r4 = sonde.demander("apres-une-session-de-plus")
            resume_sonde(r4, r0, n)
        finally:
            releve.arreter()
    print(f"\nRapports complets de la sonde (JSON) : {sonde_dossier}")


# --- Programme ----------------------------------------------------------------------------------
def machine() -> str:
    modele = ""
    with contextlib.suppress(OSError):
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
    memoire = ""
    with contextlib.suppress(OSError):
        for ligne in Path("/proc/meminfo").read_text().splitlines():
            if ligne.startswith("MemTotal:"):
                memoire = f"{int(ligne.split()[1]) / 1024 / 1024:.1f} Go de mémoire"
    return f"{platform.platform()} ; {os.cpu_count()} cœur(s) {modele} ; {memoire}"


def charge_machine() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} / {b:.2f} / {c:.2f} (1, 5, 15 min)"


def surveillance_du_projet() -> str:
    """La valeur de server.fileWatcherType dans .streamlit/config.toml (« auto » si absente : défaut de Streamlit)."""
    import tomllib

    with (RACINE / ".streamlit" / "config.toml").open("rb") as f:
        return tomllib.load(f).get("server", {}).get("fileWatcherType", "auto")


def tailles(texte: str) -> list[int]:
    valeurs = [int(x) for x in texte.split(",") if x.strip()]
    if not valeurs or any(not 1 <= v <= SESSIONS_MAX for v in valeurs):
        raise argparse.ArgumentTypeError(f"nombres de sessions entre 1 et {SESSIONS_MAX}, séparés par des virgules")
    return valeurs


def main() -> None:
    parseur = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parseur.add_argument("--sessions", type=tailles, default=[30], help="ex. 30,60,100 (séminaire) ; 30 par salle")
    parseur.add_argument("--salles", type=int, default=0, choices=range(0, SALLES_MAX + 1), metavar=f"0..{SALLES_MAX}",
                         help="mode accumulation : nombre de salles")
    parseur.add_argument("--intervalle", type=float, default=60.0, help="secondes entre deux salles (10 à 600)")
    parseur.add_argument("--ttl", type=int, default=None,
                         help="server.disconnectedSessionTTL (s) : raccourci SEULEMENT si donné (défaut : réglage réel)")
    parseur.add_argument("--sans-surveillance", action="store_true",
                         help="server.fileWatcherType=none (défaut : réglage réel, surveillance des fichiers du projet)")
    parseur.add_argument("--arenes", type=int, default=None, choices=range(1, 17), metavar="1..16",
                         help="MALLOC_ARENA_MAX du serveur (essai ; défaut : celui de la glibc)")
    parseur.add_argument("--serveurs", type=int, default=1, choices=(1, 2),
                         help="2 : deux serveurs derrière nginx (deploiement/nginx.conf), pour l'application "
                              "comme pour la référence triviale (défaut : un serveur)")
    parseur.add_argument("--diagnostic", action="store_true", help="ce que garde chaque session (sonde dans le serveur)")
    parseur.add_argument("--sans-tracemalloc", action="store_true", help="diagnostic sans tracemalloc (plus rapide)")
    parseur.add_argument("--ensemble", action="store_true",
                         help="diagnostic : les sessions jouées en même temps, comme une salle (30 au plus)")
    parseur.add_argument("--duree-max", type=float, default=2700.0, help="durée maximale du banc en secondes (45 min)")
    args = parseur.parse_args()
    args.intervalle = min(max(args.intervalle, 10.0), 600.0)
    args.duree_max = min(max(args.duree_max, 60.0), 3 * 3600.0)
    if args.sans_surveillance:
        OPTIONS_EN_PLUS.append("--server.fileWatcherType=none")
    if args.arenes:
        ENV_EN_PLUS["MALLOC_ARENA_MAX"] = str(args.arenes)
    global SERVEURS
    SERVEURS = args.serveurs

    debut = time.monotonic()
    fin = debut + args.duree_max

    def arret_force() -> None:
        dire(f"durée maximale du banc ({args.duree_max:.0f} s) dépassée : arrêt des serveurs et du banc.")
        for pgid in list(_groupes_lances):
            arreter_groupe(pgid)
        os._exit(0)

    gevent.spawn_later(args.duree_max + 60, arret_force)  # filet : chaque charge est déjà bornée

    import locust
    import streamlit

    print("Banc d'essai du serveur par le protocole de Streamlit (bench/protocole_bench.py)")
    print(f"Date : {dt.datetime.now(dt.timezone.utc):%d/%m/%Y %H:%M} UTC ; machine : {machine()}")
    print(f"Charge de la machine avant : {charge_machine()}")
    print(f"Streamlit {streamlit.__version__}, Locust {locust.__version__}, Python {platform.python_version()} ; "
          f"boucle locale seulement ; chaque étape attend {DELAI_ETAPE_S:.0f} s au plus, chaque charge "
          f"{DUREE_MAX_CHARGE_S:.0f} s, le banc {args.duree_max:.0f} s.")
    print("Réglages de Streamlit : ceux du projet (.streamlit/config.toml)"
          + (", SAUF server.fileWatcherType=none (--sans-surveillance) : les fichiers du projet ne sont pas surveillés"
             if args.sans_surveillance else f", dont server.fileWatcherType = {surveillance_du_projet()!r}"))
    if SERVEURS == 2:
        print("DEUX serveurs derrière nginx (--serveurs 2 ; deploiement/nginx.conf), pour l'application comme pour "
              "la référence triviale ; processeur et mémoire : somme des deux serveurs")
    if args.arenes:
        print(f"MALLOC_ARENA_MAX={args.arenes} pour les serveurs (--arenes) : essai de l'allocateur de la glibc")
    print(f"Scénario d'une session (pause de {PAUSE_S:.0f} s entre deux étapes) : " + " → ".join(e for e, _, _ in SCENARIO))
    try:
        with tempfile.TemporaryDirectory(prefix="ctg-protocole-") as d:
            dossier = Path(d)
            if args.diagnostic:
                mode_diagnostic(min(args.sessions[0], 30 if args.ensemble else 10), args.ttl or 20,
                                not args.sans_tracemalloc, dossier, fin, args.ensemble)
                # Les rapports de la sonde sont gardés hors du dossier temporaire.
                garde = Path(tempfile.gettempdir()) / f"ctg-sonde-{time.strftime('%Y%m%d-%H%M%S')}"
                with contextlib.suppress(OSError):
                    import shutil

                    shutil.copytree(dossier / "sonde", garde)
                    print(f"(copiés dans {garde})")
            elif args.salles:
                mode_salles(args.sessions[0], args.salles, args.intervalle, args.ttl, dossier, fin)
            else:
                if args.ttl is not None:
                    print(f"server.disconnectedSessionTTL RACCOURCI à {args.ttl} s par --ttl")
                mode_seminaire(args.sessions, args.ttl, dossier, fin)
    except Exception:
        print("\nLe banc s'est arrêté sur une erreur (les chiffres ci-dessus restent valables) :")
        traceback.print_exc(file=sys.stdout)
    finally:
        for pgid in list(_groupes_lances):
            arreter_groupe(pgid)
    print(f"\nCharge de la machine après : {charge_machine()} ; durée du banc : {time.monotonic() - debut:.0f} s")


if __name__ == "__main__":
    main()
