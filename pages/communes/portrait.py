"""portrait d'un territoire décrit par ses communes (à construire)."""

import streamlit as st


def afficher() -> None:
    st.title("portrait")
    st.info("En construction.")
