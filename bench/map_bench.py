"""Banc d'essai de la carte des équipements : notre construction contre une carte folium « naïve ».

Lancer depuis la racine du projet :

    .venv/bin/python bench/map_bench.py            # mesure complète (Dijon, 2 000 et 20 000 équipements)
    .venv/bin/python bench/map_bench.py --rapide   # vérification rapide (Dijon et 2 000, une seule mesure)
    .venv/bin/python bench/map_bench.py --rapide --navigateur http://localhost:8616   # + mesure dans Chromium

Ce n'est pas un test : le script n'échoue pas, il affiche des chiffres (temps de construction de la
page HTML complète et taille de cette page) et dit si les objectifs sont atteints :

- carte de Dijon (données réelles) de moins de 150 Ko ;
- à 20 000 équipements, au moins 10 fois plus rapide et 10 fois plus légère que la carte naïve.

« Construction » = ``construire_carte(...)`` puis ``carte.get_root().render()`` (page HTML complète),
comme le fait l'application avant d'envoyer la carte au navigateur.

La carte naïve (référence) : un ``folium.Map`` par défaut (sans fond de carte, ``tiles=None``, pour
comparer à égalité), un ``folium.Marker`` par équipement avec ``folium.Popup`` (le même détail que
notre fenêtre) et une infobulle (le nom), et les mêmes contours (IRIS, quartiers, QPV) en
``folium.GeoJson``.

Seconde partie, **changement de quartier sur la page de la carte** (``pages/vues/carte.py``), pour la
suite des 9 quartiers puis tout Dijon, mesuré dans le même lancement des deux façons :

- *avant* (référence) : la carte complète reconstruite à chaque changement (``construire_carte``), sa
  clé change avec le quartier : le navigateur recharge le cadre, donc Leaflet, jQuery, leur feuille
  de style et tout le script de la carte (contours des 66 IRIS compris) ;
- *après* : copie du fond gardé en cache (``carte_de_base`` construit une fois), couches du quartier
  et des équipements (``couches_dynamiques``) et liste des couches ; le script du fond est identique,
  le cadre est gardé et n'exécute que le script des couches ajoutées.

Côté serveur : temps de ce que fait ``st_folium`` (rendu de la carte, chaînes envoyées ; mêmes
fonctions de streamlit-folium) plus la construction. Côté navigateur : octets de code à charger et à
exécuter à chaque changement. Octets envoyés par le serveur : tous les arguments du composant (ils
sont renvoyés à chaque exécution de la page, dans les deux cas).

Avec ``--navigateur URL`` (application lancée à cette adresse, Chromium ``/usr/bin/chromium``), le
banc d'essai mesure aussi dans le navigateur, sur la page ``/carte`` (1366 × 768), pour chaque quartier
choisi dans la barre latérale : le temps du clic à la carte recadrée dans le même cadre (exécution
de la page comprise), et, dans le même lancement, le temps de rechargement du cadre seul, ce que
l'ancienne façon ajoutait à chaque changement (Leaflet, script complet, couches redessinées).

Les jeux de 2 000 et 20 000 équipements sont **fictifs** (« Équipement fictif n° 123 ») : générés ici,
avec une graine fixe, à des positions au hasard dans l'emprise des quartiers de Dijon. Ils n'existent
que dans ce banc d'essai et ne sont jamais écrits dans ``data/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import html
import os
import platform
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))

import folium  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ctg_data import carte as cartes  # noqa: E402
from ctg_data import catalogue as cat  # noqa: E402
from ctg_data import config, geographie, positions  # noqa: E402
from ctg_data.geocodage import Cache  # noqa: E402

OBJECTIF_TAILLE_DIJON_KO = 150
OBJECTIF_RATIO_20000 = 10
PART_APPROX = 0.15  # part des équipements fictifs à une position « quartier (approx.) »


def afficher(message: str) -> None:
    print(message, flush=True)


def progression(message: str) -> None:
    afficher(f"[bench] {message}")


def entier(n: float) -> str:
    """1 234 567 (espace ordinaire : les colonnes du tableau restent alignées)."""
    return f"{n:,.0f}".replace(",", " ")


def decimal(x: float, decimales: int = 1) -> str:
    return f"{x:,.{decimales}f}".replace(",", " ").replace(".", ",")


# --- Données ---------------------------------------------------------------------------------


def donnees_reelles(dossier: Path) -> dict:
    """Positions comme l'application les calcule (``pages/ui/chargement.py::_positions``) et contours."""
    iris = geographie.charger_geo("iris", dossier)
    quartiers_geo = geographie.charger_geo("quartiers_geo", dossier)
    equipements = positions.positions(
        cat.charger("equipements", dossier),
        cat.charger("equipements_quartiers", dossier),
        Cache(dossier / "geocodage_cache.csv").tableau(),
        iris,
        cat.charger("iris_quartiers", dossier),
        quartiers_geo,
    )
    quartiers = cat.charger("quartiers", dossier)
    return {
        "equipements": equipements,
        "quartiers_geo": quartiers_geo,
        "qpv": geographie.charger_geo("qpv", dossier),
        "iris": iris,
        "cite": list(quartiers.loc[quartiers["cite_educative"], "nom"]),
    }


def equipements_fictifs(n: int, quartiers_geo, graine: int = 0) -> pd.DataFrame:
    """n équipements fictifs, mêmes colonnes que la sortie de ``positions.positions``."""
    rng = np.random.default_rng(graine)
    ouest, sud, est, nord = quartiers_geo.total_bounds
    categories = list(cartes.STYLES)
    noms_quartiers = list(quartiers_geo["nom"])
    gestionnaires = ["Ville de Dijon (fictif)", "Association fictive", "Caf (fictif)", "Gestionnaire privé fictif"]
    sous_types = ["multi-accueil", "crèche familiale", "accueil de loisirs", "", "antenne"]
    rues = ["rue Fictive", "avenue Imaginaire", "boulevard de l'Essai", "place du Banc d'essai"]
    num = np.arange(1, n + 1)
    cat_ = rng.choice(categories, size=n)
    approx = rng.random(n) < PART_APPROX
    gestion = rng.integers(0, len(gestionnaires), size=n)
    df = pd.DataFrame(
        {
            "id": [f"FICTIF{i:06d}" for i in num],
            "nom": [f"Équipement fictif n° {i}" for i in num],
            "categorie": cat_,
            "sous_type": rng.choice(sous_types, size=n),
            "gestionnaire": [gestionnaires[g] for g in gestion],
            "gestion_ville": np.where(gestion == 0, "oui", "non"),
            "annexe": rng.choice(["2", "2 bis"], size=n),
            "adresse": [f"{rng.integers(1, 200)} {rues[i % len(rues)]}" for i in num],
            "code_postal": "21000",
            "commune": "Dijon",
            "capacite": pd.array(rng.integers(10, 80, size=n), dtype="Int64"),
            "source_fichier": "aucun (données fictives)",
            "source_section": "généré par bench/map_bench.py",
            "note": "Équipement fictif du banc d'essai : n'existe pas.",
            "lat": rng.uniform(sud, nord, size=n),
            "lon": rng.uniform(ouest, est, size=n),
            "precision": np.where(approx, positions.APPROX, "adresse"),
            "score": None,
            "date_position": None,
            "origine_position": np.where(approx, "position approximative (fictive)", "géocodage fictif"),
            "code_iris": None,
            "quartier": rng.choice(noms_quartiers, size=n),
            "origine_quartier": "position",
            "confiance_quartier": "sûr",
            "raison_quartier": "donnée fictive",
        }
    )
    return df


# --- Les deux constructions ------------------------------------------------------------------


def notre_carte(d: dict, equipements: pd.DataFrame) -> str:
    carte = cartes.construire_carte(
        equipements, d["quartiers_geo"], d["qpv"], d["iris"], quartiers_cite_educative=d["cite"]
    )
    return carte.get_root().render()


def texte(v) -> str:
    """Valeur affichable (vide pour une valeur manquante)."""
    return "" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else str(v)


def detail_html(e) -> str:
    """Même contenu que la fenêtre de notre carte, en HTML échappé côté Python."""
    t = texte
    adresse = " ".join(x for x in (t(e.adresse), t(e.code_postal), t(e.commune)) if x) or "non précisée"
    champs = [
        f"<b>{html.escape(t(e.nom))}</b>",
        html.escape(t(e.categorie) + (f" — {t(e.sous_type)}" if t(e.sous_type) else "")),
        f"Gestionnaire : {html.escape(t(e.gestionnaire) or 'non précisé')}",
        f"Adresse : {html.escape(adresse)}",
        f"Quartier : {html.escape(t(e.quartier) or 'non connu')}",
        f"Position : {html.escape(t(e.precision))}",
        f"<small>Source : {html.escape(t(e.source_section))} ({html.escape(t(e.source_fichier))})</small>",
    ]
    return "<br>".join(champs)


def carte_naive(d: dict, equipements: pd.DataFrame) -> str:
    carte = folium.Map(location=cartes.CENTRE_DIJON, zoom_start=13, tiles=None)
    folium.GeoJson(d["iris"], name="IRIS").add_to(carte)
    folium.GeoJson(d["quartiers_geo"], name="Quartiers").add_to(carte)
    folium.GeoJson(d["qpv"], name="QPV 2024").add_to(carte)
    for e in equipements[equipements["lat"].notna()].itertuples(index=False):
        folium.Marker(
            [float(e.lat), float(e.lon)], popup=folium.Popup(detail_html(e)), tooltip=texte(e.nom)
        ).add_to(carte)
    folium.LayerControl().add_to(carte)
    return carte.get_root().render()


def mesurer(fonction, d: dict, equipements: pd.DataFrame, repetitions: int, libelle: str) -> tuple[float, int]:
    """(temps médian en ms, taille en octets de la page HTML)."""
    temps, taille = [], None
    for i in range(1, repetitions + 1):
        progression(f"{libelle} : construction {i}/{repetitions}…")
        gc.collect()
        debut = time.perf_counter()
        page = fonction(d, equipements)
        temps.append((time.perf_counter() - debut) * 1000)
        taille = len(page.encode("utf-8"))
        del page
    return statistics.median(temps), taille


# --- Changement de quartier : carte reconstruite (avant) ou mise à jour sur place (après) ------------


def chaines_st_folium(carte, couches=(), controle=None) -> dict[str, str]:
    """Ce que ``st_folium`` calcule et envoie au navigateur (mêmes fonctions de streamlit-folium, même
    ordre) : html, en-tête, script du fond, script des couches ajoutées et de la liste des couches."""
    import streamlit_folium as sf

    carte.get_root().render()
    carte.render()
    chaines = {"html": sf._get_html(carte), "entete": sf._get_header(carte), "script": sf._get_map_string(carte)}
    chaines["ajout"] = "".join(sf._get_feature_group_string(g, map=carte, idx=i) for i, g in enumerate(couches))
    if controle is not None:
        chaines["ajout"] += sf._get_layer_control_string(controle, carte)
    return chaines


def changement_avant(d: dict, equipements: pd.DataFrame, quartier: str | None) -> dict[str, str]:
    carte = cartes.construire_carte(equipements, d["quartiers_geo"], d["qpv"], d["iris"],
                                    quartier_selectionne=quartier, quartiers_cite_educative=d["cite"], hauteur_px=620)
    return chaines_st_folium(carte)


def changement_apres(d: dict, fond, equipements: pd.DataFrame, quartier: str | None) -> dict[str, str]:
    return chaines_st_folium(cartes.copie(fond), cartes.couches_dynamiques(equipements, d["quartiers_geo"], quartier),
                             cartes.ControleCouches())


def octets(texte: str) -> int:
    return len(texte.encode("utf-8"))


def mesurer_changements(d: dict, equipements: pd.DataFrame, libelle: str, tours: int) -> dict:
    """Temps médian (ms) d'un changement de quartier, avant et après, et octets par changement."""
    import streamlit_folium as sf

    suite = [*sorted(d["quartiers_geo"]["nom"]), None]
    par_quartier = {q: equipements[equipements["quartier"] == q] if q else equipements for q in suite}
    categories = list(equipements.loc[equipements["lat"].notna(), "categorie"])
    debut = time.perf_counter()
    fond = cartes.carte_de_base(d["quartiers_geo"], d["qpv"], d["iris"], categories=categories,
                                quartiers_cite_educative=d["cite"])
    t_fond = (time.perf_counter() - debut) * 1000
    temps_avant, temps_apres, cles_avant, cles_apres = [], [], set(), set()
    derniers = {}
    for tour in range(1, tours + 1):
        progression(f"{libelle} : changements de quartier, tour {tour}/{tours}…")
        for q in suite:
            gc.collect()
            debut = time.perf_counter()
            avant = changement_avant(d, par_quartier[q], q)
            temps_avant.append((time.perf_counter() - debut) * 1000)
            gc.collect()
            debut = time.perf_counter()
            apres = changement_apres(d, fond, par_quartier[q], q)
            temps_apres.append((time.perf_counter() - debut) * 1000)
            # La clé du composant : la même clé (et le même script) garde le même cadre.
            cles_avant.add(sf.generate_js_hash(avant["script"], f"carte-{q}"))  # l'ancienne clé : « carte-<quartier> »
            cles_apres.add(sf.generate_js_hash(apres["script"], "carte-equipements"))
            derniers[q] = (avant, apres)
    envoye_avant = statistics.mean(sum(octets(v) for v in a.values()) for a, _ in derniers.values())
    envoye_apres = statistics.mean(sum(octets(v) for v in b.values()) for _, b in derniers.values())
    execute_avant = statistics.mean(octets(a["script"]) + octets(a["html"]) + octets(a["entete"]) for a, _ in derniers.values())
    execute_apres = statistics.mean(octets(b["ajout"]) for _, b in derniers.values())
    return {
        "cas": libelle, "t_fond": t_fond, "t_avant": statistics.median(temps_avant), "t_apres": statistics.median(temps_apres),
        "cadres_avant": len(cles_avant), "cadres_apres": len(cles_apres), "changements": len(suite),
        "envoye_avant": envoye_avant, "envoye_apres": envoye_apres,
        "execute_avant": execute_avant, "execute_apres": execute_apres, "mesures": len(temps_avant),
    }


def bibliotheques_octets() -> int:
    """Leaflet, jQuery et la feuille de Leaflet : rechargés avec le cadre (du cache du navigateur au mieux)."""
    from ctg_data import statique

    dossier = statique.preparer()
    return sum((dossier / sous / nom).stat().st_size for _, noms, sous in statique.SOURCES for nom in noms
               if (dossier / sous / nom).is_file())


def afficher_changements(resultats: list[dict]) -> None:
    biblio = bibliotheques_octets()
    entetes = ["Cas", "Avant (ms)", "Après (ms)", "× vitesse", "Cadres avant", "Cadres après",
               "Navigateur avant (Ko)", "Navigateur après (Ko)", "Envoyé avant (Ko)", "Envoyé après (Ko)", "Mesures"]
    lignes = [[
        r["cas"], decimal(r["t_avant"], 0), decimal(r["t_apres"], 0), decimal(r["t_avant"] / r["t_apres"]),
        f"{r['cadres_avant']} / {r['changements']}", f"{r['cadres_apres']} / {r['changements']}",
        decimal((biblio + r["execute_avant"]) / 1024), decimal(r["execute_apres"] / 1024),
        decimal(r["envoye_avant"] / 1024), decimal(r["envoye_apres"] / 1024), str(r["mesures"]),
    ] for r in resultats]
    largeurs = [max(len(x) for x in colonne) for colonne in zip(entetes, *lignes)]

    def ligne(valeurs):
        return "  ".join(v.ljust(l) if i == 0 else v.rjust(l) for i, (v, l) in enumerate(zip(valeurs, largeurs)))

    afficher("")
    afficher("Changement de quartier sur la page de la carte (les 9 quartiers puis tout Dijon), avant / après")
    afficher(ligne(entetes))
    afficher("  ".join("-" * l for l in largeurs))
    for valeurs in lignes:
        afficher(ligne(valeurs))
    afficher("Avant : carte reconstruite, une clé par quartier (cadre rechargé). Après : copie du fond en cache et "
             "couches ajoutées, une seule clé (cadre gardé). Temps : serveur, médiane par changement.")
    afficher(f"Cadres = cadres différents créés pour la suite des changements. Navigateur = code chargé et exécuté "
             f"par changement (avant : Leaflet, jQuery et leur feuille, {decimal(biblio / 1024)} Ko, plus tout le "
             "script de la carte ; après : le script des couches ajoutées). Envoyé = arguments du composant.")
    for r in resultats:
        afficher(f"{r['cas']} : fond construit une fois en {decimal(r['t_fond'], 0)} ms (gardé en cache).")


def mesurer_navigateur(url: str) -> None:
    """Dans Chromium : quartier choisi dans la barre latérale -> carte recadrée sur place (ms, du clic à
    la carte recadrée), contre le rechargement du cadre seul (ms), pour les 9 quartiers puis tout Dijon."""
    from playwright.sync_api import sync_playwright

    cadre_js = 'iframe[title="streamlit_folium.st_folium"]'
    pret = "() => window.map && window.ctgCadrage"  # fond dessiné et couches ajoutées (certains quartiers : aucun équipement placé)
    sur_place, rechargement, recharges = [], [], 0
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        page.set_default_timeout(60_000)
        page.goto(f"{url.rstrip('/')}/carte")
        page.wait_for_selector(cadre_js)
        cadre = page.locator(cadre_js).element_handle().content_frame()
        cadre.wait_for_function(pret)
        cadre.evaluate("() => { window.__marque = 1; }")
        page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier").click()
        noms = [o.inner_text() for o in page.get_by_role("option").all()]
        page.keyboard.press("Escape")
        suite = [n for n in noms if n != "Tout Dijon"] + ["Tout Dijon"]
        for nom in suite:
            progression(f"navigateur : {nom}…")
            avant = cadre.evaluate("() => window.ctgCadrage")
            page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quartier").click()
            option = page.get_by_role("option", name=nom, exact=True)
            debut = time.perf_counter()
            option.click()
            cadre.wait_for_function("a => window.ctgCadrage !== a", arg=avant)
            sur_place.append((time.perf_counter() - debut) * 1000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
            recharges += cadre.evaluate("() => window.__marque") != 1
            # Référence : le cadre rechargé, comme l'ancienne façon le faisait à chaque changement.
            debut = time.perf_counter()
            cadre.evaluate("() => { window.__marque = 0; setTimeout(() => location.reload(), 0); }")
            cadre.wait_for_function("() => window.__marque === undefined")  # la nouvelle fenêtre du cadre
            cadre.wait_for_function(pret)
            rechargement.append((time.perf_counter() - debut) * 1000)
            cadre.evaluate("() => { window.__marque = 1; }")
        chromium.close()
    afficher("")
    afficher(f"Dans le navigateur (Chromium, 1366 × 768, {url}), {len(suite)} changements de quartier")
    afficher(f"- mise à jour sur place, du clic à la carte recadrée (exécution de la page comprise) : médiane "
             f"{decimal(statistics.median(sur_place), 0)} ms (de {decimal(min(sur_place), 0)} à {decimal(max(sur_place), 0)} ms) ; "
             f"cadre rechargé : {recharges} fois sur {len(suite)}")
    afficher(f"- référence, rechargement du cadre seul (ce que l'ancienne façon ajoutait à chaque changement) : médiane "
             f"{decimal(statistics.median(rechargement), 0)} ms (de {decimal(min(rechargement), 0)} à "
             f"{decimal(max(rechargement), 0)} ms)")


# --- Programme -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai de la carte des équipements.")
    parser.add_argument("--rapide", action="store_true",
                        help="Dijon et 2 000 équipements seulement, une seule mesure (vérification rapide)")
    parser.add_argument("--navigateur", metavar="URL",
                        help="mesure aussi dans Chromium, sur l'application lancée à cette adresse")
    args = parser.parse_args(argv)

    import branca

    afficher("Banc d'essai de la carte des équipements (bench/map_bench.py)")
    afficher(f"Date        : {dt.datetime.now().strftime('%d/%m/%Y %H:%M:%S')}")
    afficher(f"Machine     : {platform.platform()} ; {platform.machine()} ; {os.cpu_count()} processeur(s)")
    afficher(f"Python      : {platform.python_version()} ; folium {folium.__version__} ; branca {branca.__version__} ; "
             f"pandas {pd.__version__}")
    afficher(f"Mode        : {'rapide (--rapide)' if args.rapide else 'complet'}")
    afficher(f"Fond de carte (CTG_TILES) : {os.environ.get('CTG_TILES') or 'aucun'}")
    afficher("")

    debut_total = time.perf_counter()
    dossier = config.dossier_donnees()
    progression(f"chargement des données réelles ({dossier})…")
    d = donnees_reelles(dossier)
    reel = d["equipements"]

    # (libellé, équipements, répétitions pour notre carte, répétitions pour la carte naïve)
    if args.rapide:
        cas = [("Dijon (réel)", reel, 1, 1), ("2 000 fictifs", equipements_fictifs(2_000, d["quartiers_geo"]), 1, 1)]
    else:
        cas = [
            ("Dijon (réel)", reel, 5, 5),
            ("2 000 fictifs", equipements_fictifs(2_000, d["quartiers_geo"]), 5, 5),
            ("20 000 fictifs", equipements_fictifs(20_000, d["quartiers_geo"]), 3, 1),
        ]

    # Un premier passage non mesuré (imports paresseux, modèles Jinja compilés).
    progression("mise en route (passage non mesuré)…")
    notre_carte(d, reel.head(5))
    carte_naive(d, reel.head(5))

    resultats = []
    for libelle, equipements, rep_nous, rep_naive in cas:
        n = int(equipements["lat"].notna().sum())
        nom = f"{libelle}, {entier(n)} équipements sur la carte"
        t_nous, o_nous = mesurer(notre_carte, d, equipements, rep_nous, f"{nom} — notre carte")
        t_naif, o_naif = mesurer(carte_naive, d, equipements, rep_naive, f"{nom} — carte naïve")
        resultats.append(
            {"cas": libelle, "n": n, "total": len(equipements), "t_nous": t_nous, "t_naif": t_naif,
             "o_nous": o_nous, "o_naif": o_naif, "rep_nous": rep_nous, "rep_naive": rep_naive}
        )
        progression(f"{nom} : notre carte {decimal(t_nous, 0)} ms, {decimal(o_nous / 1024)} Ko ; "
                    f"carte naïve {decimal(t_naif, 0)} ms, {decimal(o_naif / 1024)} Ko")

    # --- Tableau -------------------------------------------------------------------------------
    entetes = ["Cas", "Équipements", "Nous (ms)", "Naïve (ms)", "× vitesse", "Nous (Ko)", "Naïve (Ko)", "× taille",
               "Mesures"]
    lignes = [
        [
            r["cas"], entier(r["n"]), decimal(r["t_nous"], 0), decimal(r["t_naif"], 0),
            decimal(r["t_naif"] / r["t_nous"]), decimal(r["o_nous"] / 1024), decimal(r["o_naif"] / 1024),
            decimal(r["o_naif"] / r["o_nous"]), f"{r['rep_nous']} / {r['rep_naive']}",
        ]
        for r in resultats
    ]
    largeurs = [max(len(x) for x in colonne) for colonne in zip(entetes, *lignes)]

    def ligne(valeurs):
        return "  ".join(v.ljust(l) if i == 0 else v.rjust(l) for i, (v, l) in enumerate(zip(valeurs, largeurs)))

    afficher("")
    afficher("Résultats (temps : médiane des mesures ; taille : page HTML complète, 1 Ko = 1 024 octets)")
    afficher(ligne(entetes))
    afficher("  ".join("-" * l for l in largeurs))
    for valeurs in lignes:
        afficher(ligne(valeurs))
    afficher("× vitesse = temps naïve / temps nous ; × taille = taille naïve / taille nous ; "
             "Mesures = répétitions nous / naïve.")
    if any(r["rep_naive"] < r["rep_nous"] for r in resultats):
        afficher("La carte naïve à 20 000 équipements est lente : une seule mesure pour elle.")
    reel_r = resultats[0]
    if reel_r["n"] < reel_r["total"]:
        afficher(f"Dijon : {entier(reel_r['n'])} équipements localisés sur {entier(reel_r['total'])} "
                 "(les autres ne sont pas sur la carte).")

    # --- Objectifs -----------------------------------------------------------------------------
    afficher("")
    afficher("Objectifs")
    taille_dijon = reel_r["o_nous"] / 1024
    ok = taille_dijon < OBJECTIF_TAILLE_DIJON_KO
    afficher(f"- Carte de Dijon de moins de {OBJECTIF_TAILLE_DIJON_KO} Ko : {decimal(taille_dijon)} Ko → "
             f"{'ATTEINT' if ok else 'NON ATTEINT'}")
    r20 = next((r for r in resultats if r["n"] == 20_000), None)
    if r20 is None:
        afficher(f"- À 20 000 équipements, au moins {OBJECTIF_RATIO_20000}× plus rapide et {OBJECTIF_RATIO_20000}× "
                 "plus légère que la carte naïve : non mesuré (mode --rapide)")
    else:
        vitesse, taille = r20["t_naif"] / r20["t_nous"], r20["o_naif"] / r20["o_nous"]
        afficher(f"- À 20 000 équipements, au moins {OBJECTIF_RATIO_20000}× plus rapide que la carte naïve : "
                 f"{decimal(vitesse)}× → {'ATTEINT' if vitesse >= OBJECTIF_RATIO_20000 else 'NON ATTEINT'}")
        afficher(f"- À 20 000 équipements, au moins {OBJECTIF_RATIO_20000}× plus légère que la carte naïve : "
                 f"{decimal(taille)}× → {'ATTEINT' if taille >= OBJECTIF_RATIO_20000 else 'NON ATTEINT'}")
    # --- Changement de quartier -------------------------------------------------------------------
    changements = [mesurer_changements(d, reel, "Dijon (réel)", 1 if args.rapide else 3)]
    if not args.rapide:
        changements.append(mesurer_changements(d, equipements_fictifs(2_000, d["quartiers_geo"]), "2 000 fictifs", 1))
    afficher_changements(changements)
    if args.navigateur:
        mesurer_navigateur(args.navigateur)

    afficher("")
    afficher(f"Durée totale du banc d'essai : {decimal(time.perf_counter() - debut_total)} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
