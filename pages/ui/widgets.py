"""Éléments d'interface partagés : téléchargements, tableaux à la place des graphiques, badges de
statut, graphiques altair, géocodage avec barre de progression, valeur affichée dans la saisie."""

from __future__ import annotations

from html import escape as echapper  # noqa: F401  (utilisé par les pages qui écrivent du HTML)
import pandas as pd
import streamlit as st

from ctg_data import catalogue as cat
from ctg_data import exports
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


def geocoder_equipements(identite, mode: str, fichier_ban=None, reessayer: bool = False) -> str | None:
    """Géocode les adresses des équipements (``geocodage.geocoder_par_editeur`` : identité d'éditeur
    vérifiée par le magasin, résultats enregistrés dans la base avec auteur et date, aucun fichier
    écrit) avec une barre de progression. ``fichier_ban`` : ``geocodage.Televersement`` ou nom d'un
    fichier du dossier ``CTG_BAN_DIR``, jamais un chemin saisi. Renvoie le bilan si tout a réussi ;
    sinon affiche un message en français (rien n'est enregistré) et renvoie None."""
    from ctg_data import geocodage
    from ctg_data.acces import ErreurStockage

    from .chargement import stockage

    barre = st.progress(0.0, text="Géocodage : préparation…")
    try:
        resultats = geocodage.geocoder_par_editeur(
            stockage(), identite, mode=mode, fichier_ban=fichier_ban, reessayer=reessayer,
            progression=lambda fait, total, message: barre.progress(min(fait / max(total, 1), 1.0), text=message),
        )
    except (geocodage.ErreurGeocodage, ErreurStockage) as e:
        barre.empty()
        st.error(texte_brut(str(e)), icon=":material/error:")
        return None
    except ErreurDonnees as e:
        barre.empty()
        st.error(texte_brut(e.message()).replace("\n", "  \n"), icon=":material/error:")
        return None
    barre.empty()
    if not resultats:
        return "Aucune adresse à chercher : rien n'a été enregistré."
    return (geocodage.texte_bilan(resultats) + " Résultats enregistrés dans la base, à votre nom : toutes les "
            "pages les utilisent.")


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

