"""Connexion à l'espace éditeur (comptes locaux ou fournisseur d'identité) et identité de la session.

Cacher un bouton n'est pas un contrôle : le magasin revérifie l'identité à chaque écriture."""

from __future__ import annotations

import streamlit as st

from ctg_data.acces import ErreurStockage, Identite, StockageIndisponible

from .chargement import stockage

CLE_IDENTITE = "_identite"


def oidc_configure() -> bool:
    """Vrai si un fournisseur d'identité est déclaré ([auth] dans .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # pas de secrets.toml : connexion par comptes locaux
        return False


def identite() -> Identite | None:
    """L'éditeur connecté, ou None (lecture seule)."""
    if oidc_configure() and getattr(st.user, "is_logged_in", False):
        try:
            return stockage().identite_oidc(st.user.get("email", ""), st.user.get("name"))
        except StockageIndisponible:
            return None
    return st.session_state.get(CLE_IDENTITE)


def bloc_connexion() -> None:
    """Dans la barre latérale : connexion ou déconnexion de l'espace éditeur."""
    qui = identite()
    with st.sidebar:
        if qui is not None:
            st.caption(f"Connecté·e : **{qui.nom}** (éditeur)")
            if st.button("Se déconnecter", icon=":material/logout:", key="deconnexion"):
                st.session_state.pop(CLE_IDENTITE, None)
                if oidc_configure() and getattr(st.user, "is_logged_in", False):
                    st.logout()
                st.rerun()
            return
        if oidc_configure():
            if getattr(st.user, "is_logged_in", False):
                st.caption("Votre compte n'a pas les droits d'éditeur : lecture seule.")
            elif st.button("Espace éditeur : se connecter", icon=":material/login:", key="connexion_oidc"):
                st.login()
            return
        with st.expander("Espace éditeur", icon=":material/lock:"):
            with st.form("connexion", border=False):
                identifiant = st.text_input("Identifiant", autocomplete="username")
                mot_de_passe = st.text_input("Mot de passe", type="password", autocomplete="current-password")
                if st.form_submit_button("Se connecter"):
                    try:
                        trouve = stockage().authentifier(identifiant, mot_de_passe)
                    except StockageIndisponible as e:
                        st.error(str(e))
                        return
                    if trouve is None:
                        st.error("Identifiant ou mot de passe incorrect.")
                    else:
                        st.session_state[CLE_IDENTITE] = trouve
                        st.rerun()


def erreur_ecriture(e: ErreurStockage) -> None:
    st.error(str(e), icon=":material/error:")


