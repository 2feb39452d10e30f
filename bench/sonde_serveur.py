"""Serveur de l'application avec une sonde de diagnostic, pour ``protocole_bench.py --diagnostic`` SEULEMENT.

    .venv/bin/python bench/sonde_serveur.py run app.py [options de Streamlit]

Fait comme ``python -m pages.ui.serveur`` (la commande du lanceur), plus une sonde qui ne s'installe
que si la variable ``CTG_SONDE_DOSSIER`` désigne un dossier : un fil d'exécution du serveur regarde ce
dossier toutes les 0,3 s ; quand le banc y écrit ``demande.json`` (``{"n": 3, "etiquette": "…"}``), la
sonde fait un ``gc.collect()`` puis écrit ``reponse-3.json`` :

- mémoire du processus (VmRSS) et ce que l'allocateur de Python en utilise ;
- nombre d'objets suivis par le ramasse-miettes, par type (les 60 types les plus nombreux) ;
- sessions de Streamlit (actives, gardées après déconnexion, y compris expirées mais pas encore
  retirées) et, pour chacune, les clés de ``st.session_state`` avec une taille estimée ;
- fichiers et téléchargements différés gardés par Streamlit (``media_file_mgr``), sources de
  tableaux (``dataframe_source_mgr``), par session ;
- entrées de ``st.cache_data`` et ``st.cache_resource`` par fonction (nombre, taille estimée) ;
- avec ``CTG_SONDE_TRACEMALLOC=1`` (tracemalloc démarré à la première demande) : les allocations qui
  ont grandi depuis la demande précédente,
  regroupées par la première ligne du projet (pages/, ctg_data/, app.py) de leur pile d'appels, et
  par ligne (toutes bibliothèques comprises).

Rien de tout cela n'existe dans le serveur normal : le code de l'application n'est pas modifié.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
DOSSIER = os.environ.get("CTG_SONDE_DOSSIER")
TRACEMALLOC = os.environ.get("CTG_SONDE_TRACEMALLOC") == "1"
PROFONDEUR_PILE = 15

if DOSSIER and TRACEMALLOC:
    # Démarré à la première demande du banc, pas au lancement : les imports sous tracemalloc rendraient
    # le démarrage du serveur très lent, et seules comptent les allocations faites après cette demande.
    import tracemalloc


# --- Tailles estimées ---------------------------------------------------------------------------
def taille(obj, vus: set | None = None, profondeur: int = 0) -> int:
    """Taille approximative d'un objet et de ce qu'il contient (octets), chaque objet compté une fois.
    Tableaux pandas et numpy : leur mémoire réelle (``memory_usage(deep=True)``, ``nbytes``)."""
    vus = set() if vus is None else vus
    if id(obj) in vus or profondeur > 12:
        return 0
    vus.add(id(obj))
    try:
        import numpy as np
        import pandas as pd

        if isinstance(obj, pd.DataFrame):
            return int(obj.memory_usage(deep=True).sum())
        if isinstance(obj, (pd.Series, pd.Index)):
            return int(obj.memory_usage(deep=True))
        if isinstance(obj, np.ndarray):
            return int(obj.nbytes)
    except Exception:
        pass
    try:
        n = sys.getsizeof(obj)
    except Exception:
        return 0
    if isinstance(obj, (str, bytes, bytearray, int, float, bool, type(None))):
        return n
    if isinstance(obj, dict):
        for k, v in list(obj.items()):
            n += taille(k, vus, profondeur + 1) + taille(v, vus, profondeur + 1)
    elif isinstance(obj, (list, tuple, set, frozenset, collections.deque)):
        for v in list(obj):
            n += taille(v, vus, profondeur + 1)
    elif isinstance(obj, type(taille)):
        # Une fonction : seulement ce que retient sa fermeture (ex. le tableau d'un téléchargement différé,
        # ``lambda: exports.csv_pour_tableur(df)``), ni son code ni ses variables globales.
        for cellule in obj.__closure__ or ():
            try:
                n += taille(cellule.cell_contents, vus, profondeur + 1)
            except ValueError:  # cellule vide
                pass
    elif isinstance(obj, (type, type(sys))):
        return n  # ni classes, ni modules : partagés par tout le processus
    else:
        d = getattr(obj, "__dict__", None)
        if isinstance(d, dict):
            n += taille(d, vus, profondeur + 1)
        for nom in getattr(type(obj), "__slots__", ()) or ():
            if isinstance(nom, str) and hasattr(obj, nom):
                n += taille(getattr(obj, nom), vus, profondeur + 1)
    return n


def nom_type(obj) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}"


# --- Ce que garde Streamlit ---------------------------------------------------------------------
def _sessions(rt) -> list[dict]:
    mgr = rt._session_mgr
    infos = [("active", i.session) for i in list(mgr._active_session_info_by_id.values())]
    stockage = getattr(mgr, "_session_storage", None)
    cache = getattr(stockage, "_cache", None)
    if cache is not None:
        expirations = dict(getattr(cache, "_expirations", {}))
        donnees = getattr(cache, "_data", None)
        if donnees is None:  # nom interne inconnu : seulement les sessions non expirées
            donnees = {k: cache[k] for k in list(cache)}
        maintenant = cache.timer() if callable(getattr(cache, "timer", None)) else time.monotonic()
        for k, info in list(donnees.items()):
            expiree = k in expirations and not (maintenant < expirations[k])
            infos.append(("gardée, expirée (pas encore retirée)" if expiree else "gardée (déconnectée)", info.session))
    resultat = []
    for etat, s in infos:
        cles = {}
        try:
            # Clés de st.session_state (celles de l'application et les valeurs des widgets à clé).
            for k, v in list(s.session_state.filtered_state.items()):
                cles[str(k)] = {"type": nom_type(v), "octets": taille(v)}
        except Exception as e:
            cles = {"(erreur)": {"type": repr(e), "octets": 0}}
        resultat.append({"id": s.id, "etat": etat, "cles": cles, "octets": sum(c["octets"] for c in cles.values())})
    return resultat


def _fichiers(rt) -> dict:
    m = rt.media_file_mgr
    stockage = getattr(m, "_storage", None)
    fichiers = getattr(stockage, "_files_by_id", {}) or {}
    differes = dict(getattr(m, "_deferred_callables", {}))
    par_session = collections.Counter()
    octets_differes = collections.Counter()
    for entree in differes.values():
        sid = entree.get("session_id") if isinstance(entree, dict) else getattr(entree, "session_id", "?")
        par_session[sid] += 1
        octets_differes[sid] += taille(entree)
    d = {
        "fichiers": len(getattr(m, "_file_metadata", {})),
        "octets_fichiers": sum(len(getattr(f, "content", b"") or b"") for f in list(fichiers.values())),
        "sessions_avec_fichiers": len(getattr(m, "_files_by_session_and_coord", {})),
        "telechargements_differes": len(differes),
        "sessions_avec_telechargements_differes": len(getattr(m, "_deferred_ids_by_session", {})),
        "octets_telechargements_differes": sum(octets_differes.values()),
        "telechargements_differes_par_session": dict(par_session),
    }
    sources = getattr(rt, "_dataframe_source_mgr", None) or getattr(rt, "dataframe_source_mgr", None)
    if sources is not None:
        d["sources_de_tableaux"] = len(getattr(sources, "_sources", {}))
        d["sessions_avec_sources_de_tableaux"] = len(getattr(sources, "_sources_by_session_and_coord", {}))
        d["octets_sources_de_tableaux"] = taille(dict(getattr(sources, "_sources", {})))
    return d


def _surveillance() -> dict:
    """Surveillance des fichiers (server.fileWatcherType) : dossiers surveillés, fichiers suivis et
    abonnements (un par session et par module surveillé)."""
    try:
        from streamlit.watcher.event_based_path_watcher import _MultiPathWatcher
    except Exception:
        return {}
    m = _MultiPathWatcher._singleton
    if m is None:
        return {"dossiers": 0, "fichiers": 0, "abonnements": 0}
    dossiers = dict(m._folder_handlers)
    fichiers = abonnements = 0
    for h in dossiers.values():
        for w in list(getattr(h, "_watched_paths", {}).values()):
            fichiers += 1
            abonnements += len(getattr(w.on_changed, "_receivers", None) or getattr(w.on_changed, "receivers", {}) or {})
    return {"dossiers": len(dossiers), "fichiers": fichiers, "abonnements": abonnements}


def _references_pandas(objets) -> dict:
    """Copie à l'écriture de pandas : chaque vue d'un tableau partagé (en cache) ajoute une référence
    faible dans ``BlockValuesRefs.referenced_blocks`` du tableau d'origine ; les mortes y restent un temps."""
    n = vivantes = mortes = 0
    for o in objets:
        if type(o).__name__ == "BlockValuesRefs":
            n += 1
            for r in getattr(o, "referenced_blocks", ()):
                if r() is None:
                    mortes += 1
                else:
                    vivantes += 1
    return {"BlockValuesRefs": n, "references_vivantes": vivantes, "references_mortes": mortes}


def _caches() -> list[dict]:
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    lignes = []
    for genre, caches in (("cache_data", cache_data_api._data_caches), ("cache_resource", cache_resource_api._resource_caches)):
        for portee, par_cle in list(caches._function_caches.items()):
            for cache in list(par_cle.values()):
                if genre == "cache_data":
                    memoire = getattr(getattr(cache, "storage", None), "_mem_cache", None)
                    valeurs = list(memoire.values()) if memoire is not None else []
                    octets = sum(len(v) for v in valeurs if isinstance(v, (bytes, bytearray)))
                else:
                    memoire = getattr(cache, "_mem_cache", None)
                    valeurs = list(memoire.values()) if memoire is not None else []
                    octets = sum(taille(getattr(v, "value", v)) for v in valeurs)
                lignes.append({"genre": genre, "fonction": getattr(cache, "display_name", "?"),
                               "portee": "session " + str(portee) if portee else "globale",
                               "entrees": len(valeurs), "octets": octets})
    return lignes


# --- Mémoire du processus -----------------------------------------------------------------------
def _pymalloc() -> dict:
    """Ce que garde l'allocateur des petits objets de Python (pymalloc), lu dans ``sys._debugmallocstats()``
    (qui écrit sur la sortie d'erreur du processus : redirigée le temps de l'appel, en octets)."""
    import tempfile

    with tempfile.TemporaryFile() as f:
        sys.stderr.flush()
        sauvegarde = os.dup(2)
        try:
            os.dup2(f.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(sauvegarde, 2)
            os.close(sauvegarde)
        f.seek(0)
        texte = f.read().decode("utf-8", "replace")
    d = {}
    for ligne in texte.splitlines():
        if "=" not in ligne:
            continue
        cle, _, valeur = ligne.rpartition("=")
        cle = cle.strip().lstrip("#").strip()
        try:
            v = int(valeur.strip().replace(",", ""))
        except ValueError:
            continue
        for nom, motif in (("arenes_allouees", "arenas allocated current"), ("octets_arenes", "bytes in allocated blocks"),
                           ("octets_libres_pools", "bytes in available blocks"),
                           ("octets_pools_vides", "unused pools"), ("total", "Total")):
            if motif in cle and nom not in d:  # le premier « Total » : celui des arènes
                d[nom] = v
    return d


def _glibc() -> dict:
    """``mallinfo2()`` de la glibc : octets utilisés, octets libres gardés (tas et arènes), blocs par mmap."""
    import ctypes
    import ctypes.util

    class Mallinfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                   "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.mallinfo2.restype = Mallinfo2
    m = libc.mallinfo2()
    return {"tas_et_arenes": m.arena, "utilises": m.uordblks, "libres_gardes": m.fordblks, "par_mmap": m.hblkhd}


def rss_ko() -> int:
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1])
    return 0


_instantane_precedent = None


def _projet(nom_fichier: str) -> bool:
    """Une ligne de l'application (pages/, ctg_data/, app.py) ; pas le point d'entrée du serveur
    (pages/ui/serveur.py, au bas de la pile du fil principal), ni le banc."""
    return (nom_fichier.startswith(str(RACINE)) and "/.venv/" not in nom_fichier and "/bench/" not in nom_fichier
            and not nom_fichier.endswith("pages/ui/serveur.py"))


def _tracemalloc() -> dict:
    global _instantane_precedent
    if not tracemalloc.is_tracing():
        tracemalloc.start(PROFONDEUR_PILE)
    instantane = tracemalloc.take_snapshot()
    instantane = instantane.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    total = sum(s.size for s in instantane.statistics("filename"))
    d = {"octets_suivis": total}
    if _instantane_precedent is not None:
        par_ligne = instantane.compare_to(_instantane_precedent, "lineno")
        d["par_ligne"] = [
            {"ligne": f"{s.traceback[0].filename}:{s.traceback[0].lineno}", "diff": s.size_diff, "blocs": s.count_diff}
            for s in par_ligne[:40]
        ]
        par_pile = instantane.compare_to(_instantane_precedent, "traceback")
        projet = collections.Counter()
        blocs = collections.Counter()
        for s in par_pile:
            # Les cadres vont du plus ancien au plus récent : on prend la ligne du projet la plus proche de l'allocation.
            cadre = next((f for f in reversed(s.traceback) if _projet(f.filename)), None)
            if cadre:
                cle = f"{cadre.filename.replace(str(RACINE) + '/', '')}:{cadre.lineno}"
            else:  # pas de ligne de l'application dans la pile : la bibliothèque la plus proche de l'allocation
                f0 = s.traceback[-1] if len(s.traceback) else None
                cle = "(hors application) " + (f"{f0.filename.split('site-packages/')[-1]}:{f0.lineno}" if f0 else "?")
            projet[cle] += s.size_diff
            blocs[cle] += s.count_diff
        d["par_ligne_du_projet"] = [{"ligne": k, "diff": v, "blocs": blocs[k]} for k, v in projet.most_common(40)]
        d["par_ligne_du_projet_baisse"] = [{"ligne": k, "diff": v} for k, v in sorted(projet.items(), key=lambda kv: kv[1])[:10]]
    _instantane_precedent = instantane
    return d


def rapport(etiquette: str) -> dict:
    gc.collect()
    d: dict = {"etiquette": etiquette, "t": time.time(), "rss_ko": rss_ko()}
    objets = gc.get_objects()
    d["objets_gc"] = len(objets)
    d["objets_par_type"] = dict(collections.Counter(nom_type(o) for o in objets).most_common(60))
    try:
        d["references_pandas"] = _references_pandas(objets)
    except Exception:
        d["erreur_references_pandas"] = traceback.format_exc()
    del objets
    try:
        d["surveillance"] = _surveillance()
    except Exception:
        d["erreur_surveillance"] = traceback.format_exc()
    try:
        from streamlit.runtime import Runtime

        rt = Runtime.instance()
        d["sessions"] = _sessions(rt)
        d["fichiers"] = _fichiers(rt)
    except Exception:
        d["erreur_streamlit"] = traceback.format_exc()
    try:
        d["caches"] = _caches()
    except Exception:
        d["erreur_caches"] = traceback.format_exc()
    if TRACEMALLOC:
        d["tracemalloc"] = _tracemalloc()
    for nom, fonction in (("pymalloc", _pymalloc), ("glibc", _glibc)):
        try:
            d[nom] = fonction()
        except Exception:
            d[f"erreur_{nom}"] = traceback.format_exc()
    d["duree_s"] = time.time() - d["t"]
    return d


def _boucle(dossier: Path) -> None:
    derniere = 0
    while True:
        time.sleep(0.3)
        try:
            demande = json.loads((dossier / "demande.json").read_text())
        except (OSError, ValueError):
            continue
        n = int(demande.get("n", 0))
        if n <= derniere:
            continue
        derniere = n
        try:
            d = rapport(str(demande.get("etiquette", "")))
        except Exception:
            d = {"erreur": traceback.format_exc()}
        provisoire = dossier / f".reponse-{n}.json"
        provisoire.write_text(json.dumps(d, ensure_ascii=False, default=str))
        provisoire.rename(dossier / f"reponse-{n}.json")


def installer_sonde() -> None:
    if not DOSSIER:
        return
    dossier = Path(DOSSIER)
    dossier.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=_boucle, args=(dossier,), name="sonde-ctg", daemon=True).start()
    print(f"[sonde] diagnostic actif : {dossier} (tracemalloc : {'oui' if TRACEMALLOC else 'non'})", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(RACINE))
    installer_sonde()
    from pages.ui import serveur

    serveur.main(sys.argv[1:])
