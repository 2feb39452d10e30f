"""Client minimal du protocole de Streamlit, sans navigateur : ce que fait l'interface web de Streamlit
avec le serveur, réduit à ce qu'il faut pour mesurer le serveur.

Une session = une connexion websocket à ``/_stcore/stream`` (boucle locale seulement). Les messages
sont ceux que Streamlit livre avec son paquet (``streamlit.proto``) :

- le client envoie des ``BackMsg`` ; ici seulement ``rerun_script`` (un ``ClientState`` : chaîne de
  requête de l'adresse, page demandée par son chemin — ``page_name`` — ou par son empreinte —
  ``page_script_hash`` —, état des widgets, empreintes des messages déjà reçus) ;
- le serveur répond par des ``ForwardMsg`` : ``new_session``, ``navigation`` (les pages et leurs
  empreintes), des ``delta`` (les éléments de la page), ``page_info_changed`` (la chaîne de requête
  que l'application a écrite dans l'adresse), puis ``script_finished``.

Comme l'interface web :

- la première exécution demande la page par son chemin (``/carte`` → ``page_name = "carte"``) ; les
  suivantes, comme un clic dans le menu, par l'empreinte de la page lue dans ``navigation`` ;
- la chaîne de requête renvoyée est celle que le serveur a écrite (``?quartier=…``) ;
- les empreintes des gros éléments déjà reçus (``metadata.cacheable``) sont renvoyées dans
  ``cached_message_hashes`` : le serveur envoie alors une simple référence (``ref_hash``) au lieu de
  l'élément entier ;
- un changement de quartier envoie l'état du menu déroulant « Quartier » de la colonne de gauche :
  son identifiant est lu dans les éléments reçus (``delta.new_element.selectbox``, par son
  libellé), sa valeur est le texte affiché de l'option (``string_value``).

Une étape est mesurée de l'envoi du ``rerun_script`` (ou de l'ouverture de la connexion, pour la
première) à la réception de ``script_finished`` avec le statut « terminé » (une exécution
interrompue par ``st.rerun`` est suivie d'une autre : on attend la fin de celle-ci). Erreurs comptées :
élément ``exception`` (erreur Python non rattrapée), message d'erreur (``st.error``, dont le message
« Une erreur inattendue… » d'app.py), page introuvable, erreur de compilation, connexion fermée par le
serveur, attente dépassée.

Utilisable seul, pour essayer :

    .venv/bin/python bench/protocole.py http://127.0.0.1:8501 / /carte
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Paquets du banc installés à part (bench/requirements.txt) : ajoutés en fin de chemin d'import, après
# ceux de .venv/, qui gardent la priorité.
PAQUETS_BENCH = Path(__file__).resolve().parent.parent / ".venv" / "paquets-bench"
if PAQUETS_BENCH.is_dir() and str(PAQUETS_BENCH) not in sys.path:
    sys.path.append(str(PAQUETS_BENCH))

import websocket  # noqa: E402 (websocket-client, bench/requirements.txt)

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

# Statuts de fin d'exécution (ForwardMsg.ScriptFinishedStatus).
FINI = ForwardMsg.FINISHED_SUCCESSFULLY
FINI_POUR_RELANCER = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FINI_FRAGMENT = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
ERREUR_COMPILATION = ForwardMsg.FINISHED_WITH_COMPILE_ERROR

ALERTE_ERREUR = 1  # Alert.Format.ERROR


class ErreurSession(Exception):
    """La session ne peut pas continuer : connexion fermée, attente dépassée, protocole inattendu."""


@dataclass
class Mesure:
    """Une étape d'une session : une exécution du script, de la demande à sa fin."""

    etape: str
    duree_s: float = 0.0
    octets: int = 0
    messages: int = 0
    erreurs: list[str] = field(default_factory=list)
    fini: bool = False


def chemin_vers_page(chemin: str) -> str:
    """« / » → « » (page par défaut), « /carte » → « carte » : le ``page_name`` que l'interface web envoie."""
    return chemin.strip("/")


class SessionStreamlit:
    """Une session Streamlit pilotée par le protocole (un onglet de navigateur, sans navigateur).

    Non partagée entre fils d'exécution : une session par utilisateur simulé.
    """

    def __init__(self, url: str, delai_s: float = 120.0, libelle_quartier: str = "Quartier"):
        parties = urlsplit(url)
        if parties.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"boucle locale seulement : {url}")
        self.url_ws = f"ws://{parties.netloc}/_stcore/stream"
        self.origine = f"http://{parties.netloc}"
        self.delai_s = delai_s
        self.libelle_quartier = libelle_quartier
        self.ws: websocket.WebSocket | None = None
        self.query_string = ""
        self.page_script_hash = ""  # page en cours (navigation.page_script_hash)
        self.pages: dict[str, str] = {}  # chemin de page (url_pathname) → empreinte
        self.empreintes_en_cache: set[str] = set()
        self.widgets: dict[str, object] = {}  # identifiant → WidgetState envoyé à chaque exécution
        self.id_quartier: str | None = None
        self.options_quartier: list[str] = []

    # --- Connexion ---------------------------------------------------------------------------
    def ouvrir(self) -> None:
        # Le premier élément de Sec-WebSocket-Protocol est le sous-protocole choisi ; l'interface web y
        # ajoute un jeton XSRF et l'identifiant d'une session à reprendre : ni l'un ni l'autre ici.
        self.ws = websocket.create_connection(
            self.url_ws, timeout=self.delai_s, subprotocols=["streamlit"], origin=self.origine,
            enable_multithread=False,
        )

    def fermer(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close(timeout=2)
            except Exception:  # la connexion peut être déjà coupée : rien à faire de plus
                pass
            self.ws = None

    # --- Une exécution du script -----------------------------------------------------------
    def _envoyer_rerun(self, page_name: str | None = None, page_script_hash: str | None = None) -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        if page_script_hash:
            cs.page_script_hash = page_script_hash
        if page_name is not None:
            cs.page_name = page_name
        for etat in self.widgets.values():
            cs.widget_states.widgets.add().CopyFrom(etat)
        cs.cached_message_hashes.extend(sorted(self.empreintes_en_cache))
        self.ws.send_binary(msg.SerializeToString())

    def _lire_jusqu_a_la_fin(self, mesure: Mesure, debut: float) -> None:
        """Lit les messages du serveur jusqu'à ``script_finished`` (statut « terminé »)."""
        fin_au_plus_tard = debut + self.delai_s
        while True:
            reste = fin_au_plus_tard - time.perf_counter()
            if reste <= 0:
                raise ErreurSession(f"attente dépassée ({self.delai_s:.0f} s) à l'étape {mesure.etape}")
            self.ws.settimeout(reste)
            try:
                code, donnees = self.ws.recv_data()
            except websocket.WebSocketTimeoutException as e:
                raise ErreurSession(f"attente dépassée ({self.delai_s:.0f} s) à l'étape {mesure.etape}") from e
            except (websocket.WebSocketConnectionClosedException, OSError) as e:
                raise ErreurSession(f"connexion fermée par le serveur à l'étape {mesure.etape} : {e}") from e
            if code == websocket.ABNF.OPCODE_CLOSE:
                raise ErreurSession(f"connexion fermée par le serveur à l'étape {mesure.etape}")
            mesure.octets += len(donnees)
            mesure.messages += 1
            fm = ForwardMsg()
            fm.ParseFromString(donnees)
            if self._traiter(fm, mesure):
                return

    def _traiter(self, fm: ForwardMsg, mesure: Mesure) -> bool:
        """Tient à jour l'état de la session ; True quand l'exécution est terminée."""
        if fm.metadata.cacheable and fm.hash:
            self.empreintes_en_cache.add(fm.hash)
        genre = fm.WhichOneof("type")
        if genre == "delta":
            if fm.delta.WhichOneof("type") == "new_element":
                self._element(fm.delta.new_element, mesure)
        elif genre == "navigation":
            self.page_script_hash = fm.navigation.page_script_hash
            for p in fm.navigation.app_pages:
                self.pages[p.url_pathname] = p.page_script_hash
        elif genre == "new_session":
            if fm.new_session.page_script_hash:
                self.page_script_hash = fm.new_session.page_script_hash
        elif genre == "page_info_changed":
            self.query_string = fm.page_info_changed.query_string
        elif genre == "page_not_found":
            mesure.erreurs.append(f"page introuvable : {fm.page_not_found.page_name!r}")
        elif genre == "script_finished":
            if fm.script_finished == ERREUR_COMPILATION:
                mesure.erreurs.append("erreur de compilation du script")
                return True
            return fm.script_finished in (FINI, FINI_FRAGMENT)
        return False

    def _element(self, el, mesure: Mesure) -> None:
        genre = el.WhichOneof("type")
        if genre == "exception":
            mesure.erreurs.append(f"exception : {el.exception.type} {el.exception.message[:120]}".strip())
        elif genre == "alert" and el.alert.format == ALERTE_ERREUR:
            mesure.erreurs.append(f"message d'erreur : {el.alert.body[:120]}")
        elif genre == "selectbox" and el.selectbox.label == self.libelle_quartier:
            self.id_quartier = el.selectbox.id
            self.options_quartier = list(el.selectbox.options)

    def executer(self, etape: str, *, chemin: str | None = None, changer_quartier: str | None = None) -> Mesure:
        """Une étape : ouvrir une page (``chemin`` : « / », « /carte »…) ou changer de quartier.

        La première étape ouvre la connexion (comptée dans le temps, comme un onglet neuf). Lève
        ``ErreurSession`` si la session ne peut pas continuer ; les erreurs affichées par la page sont
        dans ``Mesure.erreurs``."""
        mesure = Mesure(etape)
        debut = time.perf_counter()
        try:
            if self.ws is None:
                self.ouvrir()
                self._envoyer_rerun(page_name=chemin_vers_page(chemin or "/"))
            elif chemin is not None:
                page = chemin_vers_page(chemin)
                empreinte = self.pages.get(page) or (self.pages.get("racine") if page == "" else None)
                # Un clic dans le menu : la page par son empreinte (sinon par son chemin).
                if empreinte:
                    self._envoyer_rerun(page_script_hash=empreinte)
                else:
                    self._envoyer_rerun(page_name=page)
            else:
                if changer_quartier is not None:
                    if self.id_quartier is None:
                        raise ErreurSession(f"menu « {self.libelle_quartier} » absent de la page : "
                                            "impossible de changer de quartier")
                    if changer_quartier not in self.options_quartier:
                        raise ErreurSession(f"option {changer_quartier!r} absente du menu « {self.libelle_quartier} »")
                    etat = BackMsg().rerun_script.widget_states.widgets.add()
                    etat.id = self.id_quartier
                    etat.string_value = changer_quartier
                    self.widgets[self.id_quartier] = etat
                # Un widget changé : la page en cours, par son empreinte.
                self._envoyer_rerun(page_script_hash=self.page_script_hash)
            self._lire_jusqu_a_la_fin(mesure, debut)
        except (OSError, websocket.WebSocketException) as e:
            raise ErreurSession(f"connexion impossible ou coupée à l'étape {etape} : {e}") from e
        mesure.duree_s = time.perf_counter() - debut
        mesure.fini = True
        return mesure


def main(argv: list[str]) -> None:
    """Essai à la main : ouvre les chemins donnés dans une session et affiche chaque étape."""
    if len(argv) < 2:
        print(__doc__)
        return
    url, chemins = argv[0], argv[1:]
    s = SessionStreamlit(url)
    try:
        for c in chemins:
            m = s.executer(c, chemin=c)
            print(f"{c:12} {m.duree_s:6.2f} s  {m.messages:4d} messages  {m.octets / 1024:8.1f} Ko  "
                  f"erreurs : {m.erreurs or 'aucune'}")
        if s.id_quartier:
            print(f"menu « Quartier » : {s.id_quartier} ; options : {s.options_quartier}")
    finally:
        s.fermer()


if __name__ == "__main__":
    main(sys.argv[1:])
