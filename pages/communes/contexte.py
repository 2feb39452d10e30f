"""contexte d'un territoire décrit par ses communes (à construire)."""

import streamlit as st


def afficher() -> None:
    st.title("contexte")
    st.info("En construction.")
