"""Ce que coûte au serveur une exécution de chaque page, et d'où vient l'écart avec la page triviale.

    .venv/bin/python bench/elements_bench.py              # ≈ 2 min
    .venv/bin/python bench/elements_bench.py --repetitions 50

Pour chaque page de l'application (serveur lancé par la commande du README, une seule session, caches
remplis par une première exécution), puis pour la page triviale des autres bancs et pour trois pages
d'étalonnage (un titre, le menu « Quartier » et 0, 100 ou 200 paragraphes ``st.markdown``), lancées
dans le même passage :

- le nombre de messages que Streamlit envoie pour une exécution (éléments, blocs, menus…) et leur
  poids ;
- le temps processeur du serveur pour une exécution : ``--repetitions`` réexécutions de la page sans
  rien changer, 0,3 s d'intervalle ; utime + stime du groupe de processus du serveur, lus dans /proc
  avant et après chaque exécution (au 1/100 s : la moyenne de 20 relevés est juste à ≈ 1 ms près).

Les durées vues du client sont mesurées par ``protocole_bench.py`` (sous charge) et
``navigateur_bench.py`` ; pas ici.

Les pages d'étalonnage donnent le coût propre à Streamlit d'un élément envoyé (la pente entre 0 et
200 paragraphes) ; multiplié par le nombre de messages d'une page, il dit quelle part de son
processeur tient au nombre d'éléments qu'elle montre plutôt qu'à ses calculs. Une seule session,
aucune charge : ce banc mesure le travail d'une exécution, la capacité est mesurée par
``protocole_bench.py``.

Boucle locale seulement ; borné (chaque étape attend 120 s au plus) ; s'arrête seul.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PAQUETS_BENCH = RACINE / ".venv" / "paquets-bench"
if __name__ == "__main__" and not (PAQUETS_BENCH / "locust").is_dir():
    # Les paquets du banc (Locust, websocket-client) : installés par protocole_bench.py s'ils manquent.
    subprocess.run([sys.executable, str(RACINE / "bench" / "protocole_bench.py"), "--help"], stdout=subprocess.DEVNULL)
sys.path.append(str(PAQUETS_BENCH))
sys.path.insert(0, str(RACINE / "bench"))
sys.path.insert(0, str(RACINE))

import protocole_bench as pb  # noqa: E402 (prépare les paquets du banc, lance et arrête les serveurs)
from protocole import SessionStreamlit  # noqa: E402

PAGES = ["/", "/carte", "/contexte", "/portrait", "/plan", "/recapitulatif", "/acteurs", "/comparer", "/seminaire",
         "/donnees"]

PAUSE_S = 0.3

APP_ETALONNAGE = '''"""Page d'étalonnage de bench/elements_bench.py : un titre, le menu « Quartier », N paragraphes."""
import os

import streamlit as st

st.title("Étalonnage")
with st.sidebar:
    quartier = st.selectbox("Quartier", ["Tout Dijon", "Grésilles", "Fontaine d'Ouche"], key="quartier")
for i in range(int(os.environ["CTG_BANC_PARAGRAPHES"])):
    st.markdown(f"Paragraphe **{i}** pour {quartier}")
'''


def cpu_s(pgid: int) -> float:
    return pb.cpu_et_memoire(pgid)[0]


def mesurer(url: str, pgid: int, chemin: str, repetitions: int) -> dict:
    """Une session ouvre ``chemin`` (caches remplis), puis la réexécute ``repetitions`` fois sans rien changer."""
    s = SessionStreamlit(url, delai_s=pb.DELAI_ETAPE_S)
    try:
        premiere = s.executer("ouverture", chemin=chemin)
        s.executer("seconde", chemin=None)  # la page réexécutée une fois : ce qui suit est le régime établi
        messages, octets, cpu = [], [], 0.0
        for _ in range(repetitions):
            # Une pause entre deux exécutions, comme une personne entre deux clics ; le processeur n'est compté
            # que pendant l'exécution (pas celui du serveur au repos pendant la pause).
            time.sleep(PAUSE_S)
            cpu0 = cpu_s(pgid)
            m = s.executer("réexécution", chemin=None)
            time.sleep(0.02)  # la fin de l'exécution côté serveur (après l'envoi de « script_finished »)
            cpu += cpu_s(pgid) - cpu0
            messages.append(m.messages)
            octets.append(m.octets)
        erreurs = premiere.erreurs + m.erreurs
    finally:
        s.fermer()
    return {"messages": statistics.median(messages), "ko": statistics.median(octets) / 1024,
            "cpu_ms": 1000 * cpu / repetitions, "erreurs": erreurs}


def ligne(nom: str, r: dict) -> str:
    return (f"{nom:34} {r['messages']:8.0f} {r['ko']:8.1f} {r['cpu_ms']:10.1f}"
            + (f"   erreurs : {r['erreurs'][:2]}" if r["erreurs"] else ""))


def main() -> None:
    parseur = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parseur.add_argument("--repetitions", type=int, default=20, choices=range(3, 101), metavar="3..100")
    args = parseur.parse_args()
    print("Coût d'une exécution de page pour le serveur (bench/elements_bench.py)")
    print(f"Date : {time.strftime('%d/%m/%Y %H:%M')} UTC ; machine : {pb.machine()}")
    print(f"Charge de la machine avant : {pb.charge_machine()}")
    print(f"Une session à la fois ; {args.repetitions} réexécutions par page sans rien changer, {PAUSE_S} s d'intervalle ; "
          "processeur relevé dans /proc (1/100 s) autour de chaque exécution, moyenne.")
    entete = f"{'page':34} {'messages':>8} {'Ko':>8} {'processeur':>10}\n{'':34} {'':>8} {'':>8} {'(ms)':>10}"
    resultats: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ctg-elements-") as d:
        dossier = Path(d)
        pb.dire("application CTG : serveur…")
        with pb.serveur("application-CTG", pb.commande_app(None), dossier) as srv:
            for chemin in PAGES:
                resultats[f"application {chemin}"] = mesurer(srv.url, srv.pid, chemin, args.repetitions)
        triviale = dossier / "app_triviale.py"
        triviale.write_text(pb.APP_TRIVIALE, encoding="utf-8")
        pb.dire("page triviale…")
        with pb.serveur("application-triviale", pb.commande_triviale(triviale, None), dossier) as srv:
            resultats["page triviale"] = mesurer(srv.url, srv.pid, "/", args.repetitions)
        etalonnage = dossier / "app_etalonnage.py"
        etalonnage.write_text(APP_ETALONNAGE, encoding="utf-8")
        for n in (0, 100, 200):
            pb.dire(f"étalonnage : {n} paragraphes…")
            with pb.serveur(f"etalonnage-{n}", pb.commande_triviale(etalonnage, None), dossier,
                            CTG_BANC_PARAGRAPHES=str(n)) as srv:
                resultats[f"étalonnage, {n} paragraphes"] = mesurer(srv.url, srv.pid, "/", args.repetitions)
    print()
    print(entete)
    for nom, r in resultats.items():
        print(ligne(nom, r))
    e0, e200 = resultats["étalonnage, 0 paragraphes"], resultats["étalonnage, 200 paragraphes"]
    pente = (e200["cpu_ms"] - e0["cpu_ms"]) / max(e200["messages"] - e0["messages"], 1)
    print(f"\nCoût d'un message pour Streamlit (pente de l'étalonnage, 0 → 200 paragraphes) : {pente:.3f} ms de processeur")
    triv = resultats["page triviale"]
    print(f"Part du processeur d'une page qui tient au nombre de messages (messages × {pente:.3f} ms), et écart avec "
          "la page triviale :")
    for chemin in PAGES:
        r = resultats[f"application {chemin}"]
        part = r["messages"] * pente
        print(f"  {chemin:16} {r['cpu_ms']:5.1f} ms dont ≈ {part:4.1f} ms pour ses {r['messages']:.0f} messages "
              f"({100 * part / max(r['cpu_ms'], 1e-9):3.0f} %) ; {r['cpu_ms'] / max(triv['cpu_ms'], 1e-9):4.1f} × la page "
              f"triviale ({triv['cpu_ms']:.1f} ms, {triv['messages']:.0f} messages)")
    print(f"\nCharge de la machine après : {pb.charge_machine()}")


if __name__ == "__main__":
    main()
