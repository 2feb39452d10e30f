"""Connexion à l'espace éditeur (comptes locaux ou fournisseur d'identité) et identité de la session.

Cacher un bouton n'est pas un contrôle : le magasin revérifie l'identité à chaque écriture, et c'est
lui qui décide d'un essai de connexion (ralentissement, verrouillage, journal : ``Stockage.connecter``).
Cette page ne fait qu'afficher sa réponse.

Une page rechargée (ou ouverte par un lien) commence une nouvelle session Streamlit : la connexion
par mot de passe, gardée dans la session, est perdue. La page Saisie le dit alors en français et
propose de se reconnecter (``demander_connexion``). Avec un fournisseur d'identité, la connexion
tient dans un cookie signé par Streamlit et survit au rechargement.
"""

from __future__ import annotations

import streamlit as st

from ctg_data.acces import ErreurStockage, Identite, StockageIndisponible

from .chargement import _une_fois_par_execution, stockage
from .widgets import texte_brut

CLE_IDENTITE = "_identite"
CLE_OIDC_JOURNALISE = "_connexion_oidc_journalisee"


def oidc_configure() -> bool:
    """Vrai si un fournisseur d'identité est déclaré (section [auth] des secrets de Streamlit) ; lu une fois
    par exécution de la page (plusieurs fonctions le demandent à chaque exécution)."""
    def lire() -> bool:
        try:
            return "auth" in st.secrets
        except Exception:  # pas de secrets.toml : connexion par comptes locaux
            return False

    return _une_fois_par_execution(("oidc_configure",), lire)


def client_courant() -> str | None:
    """D'où vient la demande, pour le ralentissement par client et le journal.

    L'adresse de la connexion (``st.context.ip_address``) ; Streamlit la tait pour une connexion
    depuis la machine elle-même : c'est alors soit une personne sur le serveur, soit un mandataire
    (nginx…) placé devant l'application, qui ajoute l'adresse réelle en dernier dans
    ``X-Forwarded-For`` (les valeurs précédentes viennent du navigateur et ne prouvent rien)."""
    try:
        adresse = st.context.ip_address
        if adresse is not None and not isinstance(adresse, str):  # hors d'un serveur (AppTest)
            return None
        if adresse:
            return adresse
        entetes = st.context.headers
        transmise = (str(entetes.get("X-Forwarded-For") or "").split(",")[-1].strip()
                     or str(entetes.get("X-Real-Ip") or "").strip())
    except Exception:  # hors d'un serveur : pas de client connu
        return None
    return f"{transmise[:150]} (par le mandataire local)" if transmise else "machine locale"


def identite() -> Identite | None:
    """L'éditeur connecté, ou None (lecture seule)."""
    if oidc_configure() and getattr(st.user, "is_logged_in", False):
        courriel, nom = st.user.get("email", ""), st.user.get("name")
        try:
            if not st.session_state.get(CLE_OIDC_JOURNALISE):  # une ligne de journal par session
                st.session_state[CLE_OIDC_JOURNALISE] = True
                return stockage().connexion_oidc(courriel, nom, client_courant()).identite
            return stockage().identite_oidc(courriel, nom)
        except StockageIndisponible:
            return None
    return st.session_state.get(CLE_IDENTITE)


def formulaire_connexion(cle: str) -> None:
    """Identifiant et mot de passe ; la réponse du magasin (refus, attente, verrou) est affichée telle quelle."""
    with st.form(cle, border=False):
        identifiant = st.text_input("Identifiant", autocomplete="username", key=f"{cle}_identifiant")
        mot_de_passe = st.text_input("Mot de passe", type="password", autocomplete="current-password",
                                     key=f"{cle}_mot_de_passe")
        if not st.form_submit_button("Se connecter"):
            return
    try:
        resultat = stockage().connecter(identifiant, mot_de_passe, client_courant())
    except StockageIndisponible as e:
        st.error(str(e), icon=":material/cloud_off:")
        return
    if resultat.reussie:
        st.session_state[CLE_IDENTITE] = resultat.identite
        st.rerun()
    st.error(resultat.message, icon=":material/lock_clock:" if resultat.reessayer_a else ":material/error:")


def bouton_oidc(cle: str) -> None:
    if st.button("Espace éditeur : se connecter", icon=":material/login:", key=cle):
        st.login()


def bloc_connexion() -> None:
    """Dans la barre latérale : connexion ou déconnexion de l'espace éditeur."""
    qui = identite()
    with st.sidebar:
        if qui is not None:
            st.caption(f"Connecté·e : **{texte_brut(qui.nom)}** (éditeur)")
            if st.button("Se déconnecter", icon=":material/logout:", key="deconnexion"):
                st.session_state.pop(CLE_IDENTITE, None)
                st.session_state.pop(CLE_OIDC_JOURNALISE, None)
                if oidc_configure() and getattr(st.user, "is_logged_in", False):
                    st.logout()
                st.rerun()
            return
        if oidc_configure():
            if getattr(st.user, "is_logged_in", False):
                st.caption("Votre compte n'a pas les droits d'éditeur : lecture seule.")
            else:
                bouton_oidc("connexion_oidc")
            return
        with st.expander("Espace éditeur", icon=":material/lock:"):
            formulaire_connexion("connexion")


def demander_connexion() -> None:
    """Page d'éditeur ouverte sans connexion (adresse tapée, lien, ou page rechargée, qui commence une
    nouvelle session) : le dire en français, proposer de se connecter, et n'afficher rien d'autre."""
    st.title("Espace éditeur : connexion requise")
    if oidc_configure() and getattr(st.user, "is_logged_in", False):
        st.warning("Votre compte n'a pas les droits d'éditeur : vous pouvez tout consulter, mais pas saisir. "
                   "Demandez à la personne qui administre le tableau de bord d'autoriser votre adresse.",
                   icon=":material/lock:")
        st.stop()
    st.info("Vous n'êtes pas (ou plus) connecté·e. Cette page est réservée aux éditeurs ; une page rechargée "
            "ou ouverte depuis un lien commence une nouvelle session : reconnectez-vous pour saisir.",
            icon=":material/lock:")
    if oidc_configure():
        bouton_oidc("connexion_oidc_page")
    else:
        with st.container(border=True, width=420):
            formulaire_connexion("connexion_page")
    st.stop()


def journal_des_connexions(qui: Identite) -> None:
    """Le journal des connexions (éditeurs seulement : le magasin revérifie l'identité)."""
    import pandas as pd

    from ctg_data.connexions import FUSEAU

    st.caption("Chaque essai de connexion, réussi ou non : qui (identifiant tel que saisi), quand (heure de Paris), "
               "d'où (adresse du client) et ce qui a été décidé. Les 500 derniers, du plus récent au plus ancien. "
               "Après 5 échecs d'affilée, un compte est verrouillé 15 minutes ; la personne qui administre le "
               "serveur peut le déverrouiller avant (commande « comptes deverrouiller », voir le README).")
    try:
        journal = stockage().journal_des_connexions(qui)
    except ErreurStockage as e:
        erreur_ecriture(e)
        return
    if journal.empty:
        st.info("Aucune connexion enregistrée pour l'instant.", icon=":material/info:")
        return
    quand = pd.to_datetime(journal["horodatage"], utc=True).dt.tz_convert(FUSEAU)
    tableau = journal.assign(
        horodatage=quand.dt.strftime("%d/%m/%Y %H:%M:%S"),
        reussite=journal["reussite"].map({True: "oui", False: "non"}),
        client=journal["client"].fillna("inconnu"),
        source=journal["source"].map({"local": "mot de passe", "oidc": "fournisseur d'identité"}).fillna(journal["source"]),
    ).rename(columns={"horodatage": "Quand", "identifiant": "Identifiant", "reussite": "Réussie",
                      "motif": "Ce qui a été décidé", "client": "D'où", "source": "Par"})
    st.dataframe(tableau, hide_index=True, width="stretch")


def erreur_ecriture(e: ErreurStockage) -> None:
    # Le message peut citer des valeurs saisies (conflit : la valeur de l'autre éditeur) : texte brut.
    st.error("  \n".join(texte_brut(ligne) for ligne in str(e).split("\n")), icon=":material/error:")
