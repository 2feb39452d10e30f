"""Données et sources : chaque jeu de données, sa provenance, son contenu et ses téléchargements."""

import math

import pandas as pd
import streamlit as st

from ctg_data import exports
from ctg_data import format as fmt
from ctg_data.portrait import tableau_lisible
from pages import ui


def _nombre_brut(v) -> str:
    """Un nombre écrit comme dans le fichier de données (« 47.3221 », « 2021 » plutôt que « 2021.0 »)."""
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return str(int(v))
    return str(v)


def _vide(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _tableau_affichable(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """La copie affichée d'un tableau brut, ses cellules vides écrites vides (st.dataframe écrit sinon
    « None »), et la configuration de ses colonnes. Seules les colonnes à trous changent : elles passent en
    texte (nombres écrits comme dans le fichier, alignés à droite comme des nombres)."""
    copie, colonnes = df.copy(), {}
    for colonne in copie.columns:
        serie = copie[colonne]
        if not serie.isna().any():
            continue
        if pd.api.types.is_numeric_dtype(serie.dtype) and not pd.api.types.is_bool_dtype(serie.dtype):
            valeurs = ["" if _vide(v) else _nombre_brut(v.item() if hasattr(v, "item") else v) for v in serie]
            colonnes[colonne] = st.column_config.TextColumn(alignment="right")
        else:
            valeurs = ["" if _vide(v) else (_nombre_brut(v) if isinstance(v, (bool, int, float)) else str(v))
                       for v in serie]
        copie[colonne] = pd.Series(valeurs, index=serie.index, dtype=object)
    return copie, colonnes


@st.cache_resource(show_spinner=False, max_entries=32)
def _tableau_en_cache(quoi: str, cle: str, _df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    # Préparé une fois par jeu (ou par plan) et par version des fichiers (``cle`` : condensé de leur
    # empreinte) ; ``_df`` n'est pas haché, la clé le désigne. Partagé par les sessions, jamais modifié :
    # st.dataframe ne fait que le lire.
    return _tableau_affichable(_df)


def tableau_brut(df: pd.DataFrame, quoi: str, cle: str) -> None:
    """Un tableau brut à l'écran, ses cellules vides affichées vides (``_tableau_affichable``), préparé une
    fois par ``quoi`` (le jeu ou le plan) et par ``cle`` (version de ses fichiers). Les téléchargements,
    eux, partent du tableau complet."""
    copie, colonnes = _tableau_en_cache(quoi, cle, df)
    st.dataframe(copie, hide_index=True, column_config=colonnes or None)


st.title("Données et sources")
st.markdown(
    "Chaque chiffre du tableau de bord vient d'un des jeux de données ci-dessous. Pour chacun : "
    "le document d'origine et la section, qui l'a produit, sous quelle licence, comment nous l'avons "
    "constitué, puis le contenu complet, à télécharger en CSV ou en Excel. "
    "Les tableaux de cette page sont complets : le filtre de quartier ne s'y applique pas."
)

jeux = ui.catalogue()
brut = ui.nom_brut  # textes du catalogue et du plan : affichés tels quels, jamais lus comme du Markdown
# Un fichier illisible est signalé dès l'ouverture de la page, quel que soit l'onglet ouvert (chaque jeu
# est déjà en cache : rien n'est relu).
for jeu in jeux.values():
    ui.verifier_jeu(jeu.id, geo=jeu.format == "geojson")

# Seul l'onglet ouvert est calculé et envoyé au navigateur (un tableau complet et ses boutons par jeu :
# tous ensemble pèseraient plusieurs mégaoctets). Changer d'onglet relance la page ; l'onglet ouvert est
# gardé dans l'adresse (?jeu=titre du jeu) : un lien copié rouvre le même jeu.
onglets = st.tabs([jeu.titre for jeu in jeux.values()],  # titres du catalogue (data/catalogue.yaml, relu)
                  key="jeu", on_change="rerun", bind="query-params")
for onglet, jeu in zip(onglets, jeux.values()):
    if not onglet.open:
        continue
    with onglet:
        df = ui.contours(jeu.id).drop(columns="geometry") if jeu.format == "geojson" else ui.donnees(jeu.id)
        st.subheader(jeu.titre)
        st.markdown(ui.texte_brut(jeu.description))
        unite = "contours" if jeu.format == "geojson" else "lignes"
        st.caption(f"{fmt.nombre(len(df))} {unite} — fichier data/{jeu.fichier}")
        st.table(exports.provenance(jeu).set_index("Champ"))
        if jeu.id == "portrait":
            st.markdown("**Aperçu lisible** (valeurs mises en forme, source sur chaque ligne)")
            territoire = ui.territoire()
            document = territoire.portrait.document if territoire.portrait else "Document"
            # La valeur juste après l'indicateur (lisible sur un téléphone), le texte long ensuite.
            st.dataframe(
                ui.calcul(tableau_lisible, "portrait", document=document), hide_index=True, width="stretch",
                row_height=66, column_order=["Indicateur", "Valeur", "Territoire", "Année", "Thème", "Source", "Note"],
                column_config={"Indicateur": st.column_config.TextColumn(width=110),
                               "Valeur": st.column_config.TextColumn(width=110),
                               "Territoire": st.column_config.TextColumn(width=70),
                               "Année": st.column_config.TextColumn(width=60),
                               "Source": st.column_config.TextColumn(width="large"),
                               "Note": st.column_config.TextColumn(width="large")},
            )
        st.markdown("**Données brutes**")
        tableau_brut(df, f"{ui.chemin_donnees('')}:{jeu.id}", ui.cle_fichiers())
        ui.telechargements(df, f"tableau-de-bord-ctg-{jeu.id}", jeu=jeu, cle=jeu.id)
        if jeu.format == "geojson":
            st.download_button(
                "Télécharger en GeoJSON",
                lambda fichier=jeu.fichier: ui.fichier_donnees(fichier),  # lu seulement au clic
                file_name=jeu.fichier,
                mime="application/geo+json",
                key=f"geojson-{jeu.id}",
                help="Les contours eux-mêmes, pour un logiciel de cartographie (QGIS…).",
                icon=":material/download:",
            )

st.header("Plan d'actions")
plan = ui.plan()
indicateurs_plan = plan.indicateurs()
st.markdown(
    f"**{brut(plan.titre)}** — {len(plan.axes)} axes, {len(plan.fiches)} fiches projet, "
    f"{len(indicateurs_plan)} indicateurs, transcrits du document (fichier `data/plans/{plan.id}/plan.yaml`). "
    "Sources : " + " ; ".join(f"{brut(s.section)} ({brut(s.fichier)})" for s in plan.sources)
)
tableau_brut(indicateurs_plan, f"{ui.chemin_donnees('')}:plan:{plan.id}", ui.cle_plans())
ui.telechargements(indicateurs_plan, f"{plan.id}-indicateurs", cle="plan")
st.download_button(
    "Télécharger le plan complet (YAML)", lambda: ui.fichier_donnees(f"plans/{plan.id}/plan.yaml"),  # lu au clic
    file_name=f"{plan.id}.yaml", mime="application/yaml", icon=":material/download:", key="plan_yaml",
)
