"""Éléments d'interface partagés : téléchargements, tableaux à la place des graphiques, badges de
statut, graphiques altair, géocodage avec barre de progression, valeur affichée dans la saisie."""

from __future__ import annotations

from html import escape as echapper  # noqa: F401  (utilisé par les pages qui écrivent du HTML)
from pathlib import Path

import pandas as pd
import streamlit as st

from ctg_data import catalogue as cat
from ctg_data import config, exports
from ctg_data.erreurs import ErreurDonnees
from ctg_data.vocabulaire import Statut

# La valeur affichée dans la saisie est calculée dans le cœur (une seule façon d'écrire une valeur).
from ctg_data.vues_plan import valeur_actuelle  # noqa: F401  (réexportée : ``ui.valeur_actuelle``)


_SPECIAUX_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def texte_brut(texte: str) -> str:
    """Un texte saisi par quelqu'un (ou lu dans l'adresse) rendu inoffensif pour st.markdown et les
    messages : chaque caractère spécial est échappé, le texte s'affiche tel quel, sans lien ni image."""
    return str(texte).translate(_SPECIAUX_MARKDOWN)


def badge(statut: str) -> str:
    """Badge coloré d'un statut (couleur définie par ctg_data.vocabulaire)."""
    try:
        couleur = Statut.depuis(statut).badge
    except ValueError:
        couleur = "gray"
    return f":{couleur}-badge[{statut}]"


def geocoder_equipements(mode: str, chemin_ban: str | None) -> None:
    """Géocode les adresses des équipements avec une barre de progression ; message clair en cas d'échec."""
    from ctg_data import geocodage

    if mode == "fichier" and not chemin_ban:
        st.error("Indiquez le chemin du fichier BAN départemental.")
        return
    dossier = config.dossier_donnees()
    barre = st.progress(0.0, text="Géocodage : préparation…")
    try:
        resultats = geocodage.geocoder(
            geocodage.adresses_equipements(cat.charger("equipements", dossier)),
            geocodage.Cache(dossier / geocodage.FICHIER_CACHE),
            mode=mode,
            chemin_ban=Path(chemin_ban) if chemin_ban else None,
            progression=lambda fait, total, message: barre.progress(fait / max(total, 1), text=message),
        )
    except geocodage.ErreurGeocodage as e:
        barre.empty()
        st.error(str(e))
    except ErreurDonnees as e:
        barre.empty()
        st.error(e.message().replace("\n", "  \n"))
    else:
        from ctg_data import positions

        positions.ecrire_positions_livrees(dossier)  # position et quartier recalculés une fois, pour toutes les pages
        st.success(geocodage.texte_bilan(resultats) + " Les positions sont enregistrées ; toutes les pages les utilisent.")


def telechargements(df: pd.DataFrame, nom_fichier: str, jeu: cat.JeuDeDonnees | None = None, cle: str = "") -> None:
    """Deux boutons : CSV (pour tableur français) et Excel (avec une feuille « Source »).
    Les fichiers ne sont produits qu'au clic (pas à chaque affichage de la page)."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Télécharger en CSV",
        lambda: exports.en_csv(df),
        file_name=f"{nom_fichier}.csv",
        mime="text/csv",
        key=f"csv-{cle or nom_fichier}",
        help="Séparateur point-virgule, virgule décimale : s'ouvre directement dans un tableur en français.",
        icon=":material/download:",
    )
    c2.download_button(
        "Télécharger en Excel",
        lambda: exports.en_xlsx(df, jeu=jeu),
        file_name=f"{nom_fichier}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{cle or nom_fichier}",
        help="Classeur XLSX, avec une feuille « Source » qui dit d'où viennent les données.",
        icon=":material/download:",
    )


def en_tableau(df: pd.DataFrame, titre: str = "Les données du graphique, en tableau") -> None:
    """Alternative textuelle d'un graphique ou d'une carte (lecteur d'écran, clavier, impression) :
    les mêmes données dans un tableau, sous un volet à déplier."""
    with st.expander(titre, icon=":material/table_view:"):
        if df.empty:
            st.caption("Aucune donnée.")
        else:
            st.dataframe(df, hide_index=True)


def altair():
    """Le module altair, sans validation de chaque objet à sa création (« mode debug ») : le graphique
    entier reste validé une fois, quand Streamlit le convertit. Plusieurs ms gagnées par graphique."""
    import altair as alt
    from altair.utils import schemapi

    schemapi.disable_debug_mode()
    return alt

