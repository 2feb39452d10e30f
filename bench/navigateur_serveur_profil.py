"""Serveur de l'application avec un échantillonneur de piles, pour ``navigateur_bench.py --profil``.

    python bench/navigateur_serveur_profil.py FICHIER_JSON run app.py [options de Streamlit]

Lance Streamlit comme ``python -m pages.ui.serveur`` (même réglage, même processus), et, dans ce même
processus, un fil qui relève toutes les 2 ms la pile des fils d'exécution des pages
(« ScriptRunner.scriptThread ») et celle du fil principal (Tornado : envoi des messages). Sur le signal
SIGUSR1, il écrit ce qu'il a compté depuis le signal précédent dans FICHIER_JSON, puis repart de zéro :
le banc l'envoie avant et après chaque étape (ouverture, changement de quartier).

Ce n'est qu'un outil de diagnostic : l'échantillonnage ralentit un peu le serveur, les temps du banc
ne sont jamais pris dans ce mode. Rien n'est changé au code de l'application.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
INTERVALLE_S = 0.002
# Fonctions où le fil principal attend (rien à faire) : ces échantillons ne sont pas comptés.
ATTENTES = {"select", "poll", "epoll", "wait", "_wait", "_run_once", "run_forever", "sleep"}


def lieu(code) -> str:
    """« module:fonction » lisible : chemin relatif au projet, sinon le paquet (site-packages/…)."""
    chemin = code.co_filename
    if chemin.startswith(str(RACINE)) and "/.venv/" not in chemin:
        chemin = os.path.relpath(chemin, RACINE)
    elif "site-packages/" in chemin:
        chemin = chemin.split("site-packages/", 1)[1]
    else:
        chemin = os.path.basename(chemin)
    return f"{chemin}:{code.co_name}"


def paquet(code) -> str:
    chemin = code.co_filename
    if "site-packages/" in chemin:
        return chemin.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if chemin.startswith(str(RACINE)) and "/.venv/" not in chemin:
        return os.path.relpath(chemin, RACINE).split("/", 1)[0].removesuffix(".py")
    return "python (bibliothèque standard)"


class Echantillonneur:
    def __init__(self, sortie: Path):
        self.sortie = sortie
        self.verrou = threading.Lock()
        self._vider()

    def _vider(self):
        # Secondes (somme des poids des relevés) : occupé, fonction présente dans la pile, fonction en haut
        # de la pile, paquet de la fonction en haut de la pile.
        self.echantillons = {"script": 0.0, "principal": 0.0}
        self.cumul = {"script": {}, "principal": {}}
        self.propre = {"script": {}, "principal": {}}
        self.paquets = {"script": {}, "principal": {}}
        self.debut = time.monotonic()

    def tourner(self):
        """Chaque relevé compte pour le temps réellement écoulé depuis le précédent (borné à 50 ms) : un
        fil qui garde le GIL retarde l'échantillonneur, sans que son temps soit perdu."""
        principal = threading.main_thread().ident
        precedent = time.monotonic()
        while True:
            time.sleep(INTERVALLE_S)
            maintenant = time.monotonic()
            poids, precedent = min(maintenant - precedent, 0.05), maintenant
            noms = {t.ident: t.name for t in threading.enumerate()}
            with self.verrou:
                for ident, cadre in sys._current_frames().items():
                    nom = noms.get(ident, "")
                    if cadre.f_code.co_name in ATTENTES:
                        continue  # le fil attend (boucle d'événements, condition) : rien à compter
                    if nom.startswith("ScriptRunner"):
                        genre = "script"
                    elif ident == principal:
                        genre = "principal"
                    else:
                        continue
                    self.echantillons[genre] += poids
                    haut = cadre.f_code
                    self.propre[genre][lieu(haut)] = self.propre[genre].get(lieu(haut), 0) + poids
                    self.paquets[genre][paquet(haut)] = self.paquets[genre].get(paquet(haut), 0) + poids
                    vus = set()
                    while cadre is not None:
                        vus.add(lieu(cadre.f_code))
                        cadre = cadre.f_back
                    for v in vus:
                        self.cumul[genre][v] = self.cumul[genre].get(v, 0) + poids

    def ecrire(self, *_):
        with self.verrou:
            donnees = {"intervalle_s": 1.0, "duree_s": time.monotonic() - self.debut,
                       "echantillons": self.echantillons, "cumul": self.cumul, "propre": self.propre,
                       "paquets": self.paquets}
            self._vider()
        provisoire = self.sortie.with_suffix(".tmp")
        provisoire.write_text(json.dumps(donnees), encoding="utf-8")
        provisoire.replace(self.sortie)


def main(argv: list[str]) -> None:
    sortie, reste = Path(argv[0]), argv[1:]
    sys.path.insert(0, str(RACINE))
    echantillonneur = Echantillonneur(sortie)
    signal.signal(signal.SIGUSR1, echantillonneur.ecrire)
    threading.Thread(target=echantillonneur.tourner, name="banc-echantillonneur", daemon=True).start()
    from pages.ui import serveur

    serveur.main(reste)


if __name__ == "__main__":
    main(sys.argv[1:])
