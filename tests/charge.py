"""Scénario de charge commun au test (``tests/test_charge.py``) et au banc d'essai
(``bench/charge_bench.py``).

N sessions Chromium simultanées (des contextes d'un seul navigateur sans fenêtre), sur la boucle
locale seulement. Chaque session :

1. ouvre ``/carte`` (tout Dijon) et attend les marqueurs dans le cadre de la carte, puis le titre
   « … — tout Dijon (… équipements) » ;
2. change de quartier par l'adresse (``/carte?quartier=fontaine-d-ouche`` ou ``gresilles``, une
   session sur deux), attend les marqueurs, puis le titre qui nomme le quartier ;
3. ouvre ``/plan`` et attend son titre.

On mesure le temps entre le début du chargement d'une carte et ses marqueurs visibles ; on compte
les erreurs : erreur JavaScript de la page, exception affichée par Streamlit (``stException``, à
tout moment jusqu'à la fin de l'exécution de chaque page ; elle arrête la session aussitôt),
attente dépassée ou toute autre exception de Playwright. Chaque attente est bornée
(``ATTENTE_MS``), la charge entière aussi (``DUREE_MAX_S``) : le scénario s'arrête toujours seul.

Hors ligne sans intercepter les requêtes : Chromium est lancé avec un mandataire inexistant
(``ARGS_HORS_LIGNE``). Il ne l'utilise jamais pour la boucle locale, et toute autre adresse échoue ;
ces échecs sont comptés (``Session.refusees``). Intercepter chaque requête dans Python
(``contexte.route`` avec ``hors_ligne``, comme les autres tests du navigateur) ralentit la charge
d'environ un tiers sur 2 cœurs (médiane 40 à 45 s au lieu de 31 à 32 s, mesuré le 22/11/2026).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
from dataclasses import dataclass, field

from playwright.async_api import async_playwright, expect

from tests.conftest import ARGS_CHROMIUM, CHROMIUM, est_locale

TITRE_PLAN = "Plan d'actions — CTG Dijon 2024-2027"
CADRE_CARTE = 'iframe[title="streamlit_folium.st_folium"]'
# (valeur du paramètre d'adresse, nom affiché) : une session sur deux choisit l'un ou l'autre.
QUARTIERS = (("fontaine-d-ouche", "Fontaine d'Ouche"), ("gresilles", "Grésilles"))
ATTENTE_MS = 240_000  # chaque attente (chargement, marqueurs, titre) : borne large, pas un objectif
DUREE_MAX_S = 540  # la charge entière (fermeture du navigateur non comprise)
# Tout ce qui n'est pas la boucle locale (que Chromium ne confie jamais à un mandataire) part vers un
# mandataire inexistant (port 9 de la boucle locale, fermé) et échoue.
ARGS_HORS_LIGNE = ["--proxy-server=http://127.0.0.1:9"]


@dataclass
class Session:
    """Ce qu'une session a vu : temps jusqu'aux marqueurs, titres, adresse, erreurs."""

    numero: int
    quartier: str  # valeur du paramètre d'adresse choisie par cette session
    nom_quartier: str
    temps: list[float] = field(default_factory=list)  # secondes, une valeur par carte affichée
    titres: list[str] = field(default_factory=list)  # titre (h1) de chaque carte affichée
    adresse_quartier: str = ""  # adresse de la page après le changement de quartier
    plan: bool = False  # titre du plan d'actions affiché
    erreurs: list[str] = field(default_factory=list)
    refusees: list[str] = field(default_factory=list)  # requêtes hors boucle locale, refusées

    def erreur(self, message: str) -> None:
        self.erreurs.append(f"session {self.numero} : {message}")


def nouvelle_session(numero: int) -> Session:
    quartier, nom = QUARTIERS[numero % len(QUARTIERS)]
    return Session(numero, quartier, nom)


class ExceptionAffichee(Exception):
    """Streamlit affiche une exception (``stException``) dans la page."""


async def _verifier_exceptions(page, ou: str) -> None:
    exceptions = page.get_by_test_id("stException")
    if n := await exceptions.count():
        texte = (await exceptions.first.inner_text()).strip().splitlines() or [""]
        raise ExceptionAffichee(f"{n} exception(s) affichée(s) sur {ou} : {texte[0][:200]}")


async def _attendre(page, cible, ou: str) -> None:
    """Attend que ``cible`` soit visible ; une exception affichée arrête l'attente aussitôt (erreur
    comptée tout de suite, pas au bout du délai)."""
    await cible.or_(page.get_by_test_id("stException")).first.wait_for()
    await _verifier_exceptions(page, ou)


async def _fin_d_execution(page, ou: str) -> None:
    """Attend la fin de l'exécution du script de la page, puis vérifie qu'aucune exception n'est affichée."""
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=ATTENTE_MS)
    await _verifier_exceptions(page, ou)


async def _carte(page, url: str, s: Session, chemin: str, titre: re.Pattern) -> None:
    debut = time.perf_counter()
    await page.goto(url + chemin)
    # Le premier cadre : Streamlit peut en garder deux un instant quand il remplace le cadre.
    cadre = page.locator(CADRE_CARTE).first
    await _attendre(page, cadre, chemin)
    await cadre.content_frame.locator(".leaflet-marker-icon").first.wait_for()
    s.temps.append(time.perf_counter() - debut)
    entete = page.get_by_role("heading", level=1, name=titre)
    await _attendre(page, entete, chemin)
    s.titres.append((await entete.inner_text()).strip())
    await _fin_d_execution(page, chemin)


async def session(navigateur, url: str, s: Session) -> Session:
    """Une session du scénario ; ``s`` est rempli au fur et à mesure (lisible même si elle est
    interrompue par la durée maximale)."""

    def refusee(requete):
        if not est_locale(requete.url):
            s.refusees.append(requete.url)

    contexte = await navigateur.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page = await contexte.new_page()
        page.set_default_timeout(ATTENTE_MS)
        page.set_default_navigation_timeout(ATTENTE_MS)
        page.on("requestfailed", refusee)
        page.on("pageerror", lambda e: s.erreur(f"erreur JavaScript : {str(e)[:200]}"))
        await _carte(page, url, s, "/carte", re.compile(r"— tout Dijon \("))
        await _carte(page, url, s, f"/carte?quartier={s.quartier}",
                     re.compile(rf"— quartier {re.escape(s.nom_quartier)} \("))
        s.adresse_quartier = page.url
        await page.goto(url + "/plan")
        await _attendre(page, page.get_by_role("heading", name=TITRE_PLAN, level=1), "/plan")
        s.plan = True
        await _fin_d_execution(page, "/plan")
    except asyncio.CancelledError:
        s.erreur("interrompue : durée maximale de la charge dépassée")
        raise
    except ExceptionAffichee as e:
        s.erreur(str(e))
    except Exception as e:  # noqa: BLE001 — toute erreur de la session est comptée (attente dépassée…)
        s.erreur(f"{e.__class__.__name__} {str(e).splitlines()[0][:200] if str(e) else ''}")
    finally:
        try:
            await contexte.close()
        except Exception:  # noqa: BLE001 — navigateur déjà fermé : rien à libérer
            pass
    return s


async def charge(url: str, sessions: int, duree_max_s: float = DUREE_MAX_S) -> list[Session]:
    """``sessions`` sessions simultanées dans un seul Chromium ; s'arrête après ``duree_max_s``."""
    resultats = [nouvelle_session(n) for n in range(sessions)]
    async with async_playwright() as p:
        navigateur = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS_CHROMIUM + ARGS_HORS_LIGNE)
        try:
            taches = [asyncio.ensure_future(session(navigateur, url, s)) for s in resultats]
            _, en_cours = await asyncio.wait(taches, timeout=duree_max_s)
            for t in en_cours:
                t.cancel()
            await asyncio.gather(*taches, return_exceptions=True)
        finally:
            await navigateur.close()
    return resultats


def lancer(url: str, sessions: int, duree_max_s: float = DUREE_MAX_S) -> list[Session]:
    """La charge, dans un fil d'exécution à elle : sa boucle asyncio ne croise pas celle de l'API
    synchrone de Playwright, que d'autres tests de la même session pytest ont pu ouvrir."""
    sortie: dict = {}

    def executer():
        try:
            sortie["resultats"] = asyncio.run(charge(url, sessions, duree_max_s))
        except BaseException as e:  # noqa: BLE001 — renvoyée au fil principal
            sortie["exception"] = e

    fil = threading.Thread(target=executer, name="charge", daemon=True)
    fil.start()
    fil.join(duree_max_s + 60)  # fermeture du navigateur comprise
    if fil.is_alive():
        raise TimeoutError(f"La charge ne s'est pas arrêtée en {duree_max_s + 60:.0f} s.")
    if "exception" in sortie:
        raise sortie["exception"]
    return sortie["resultats"]


def chiffres(resultats: list[Session]) -> dict:
    """Nombre de cartes affichées, médiane et 95e centile du temps jusqu'aux marqueurs, erreurs."""
    temps = sorted(t for s in resultats for t in s.temps)
    erreurs = [e for s in resultats for e in s.erreurs]
    return {
        "cartes": len(temps),
        "p50": statistics.median(temps) if temps else None,
        "p95": temps[min(len(temps) - 1, int(0.95 * len(temps)))] if temps else None,
        "erreurs": len(erreurs),
        "refusees": sum(len(s.refusees) for s in resultats),
    }


def resume(resultats: list[Session]) -> str:
    c = chiffres(resultats)
    if not c["cartes"]:
        return f"aucune carte affichée ; erreurs : {c['erreurs']}"
    return (f"{c['cartes']} cartes affichées, médiane {c['p50']:.2f} s, 95e centile {c['p95']:.2f} s ; "
            f"erreurs : {c['erreurs']}")


def erreurs(resultats: list[Session]) -> list[str]:
    return [e for s in resultats for e in s.erreurs]
