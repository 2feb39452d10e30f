"""Données et sources : chaque jeu de données, sa provenance, son contenu et ses téléchargements."""

import streamlit as st

from ctg_data import exports
from ctg_data import format as fmt
from ctg_data.portrait import tableau_lisible
from pages import ui


st.title("Données et sources")
st.markdown(
    "Chaque chiffre du tableau de bord vient d'un des jeux de données ci-dessous. Pour chacun : "
    "le document d'origine et la section, qui l'a produit, sous quelle licence, comment nous l'avons "
    "constitué, puis le contenu complet, à télécharger en CSV ou en Excel. "
    "Les tableaux de cette page sont complets : le filtre de quartier ne s'y applique pas."
)

jeux = ui.catalogue()
brut = ui.nom_brut  # textes du catalogue et du plan : affichés tels quels, jamais lus comme du Markdown
onglets = st.tabs([jeu.titre for jeu in jeux.values()])  # titres du catalogue (data/catalogue.yaml, relu)
for onglet, jeu in zip(onglets, jeux.values()):
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
        st.dataframe(df, hide_index=True)
        ui.telechargements(df, f"tableau-de-bord-ctg-{jeu.id}", jeu=jeu, cle=jeu.id)
        if jeu.format == "geojson":
            st.download_button(
                "Télécharger en GeoJSON",
                ui.fichier_donnees(jeu.fichier),
                file_name=jeu.fichier,
                mime="application/geo+json",
                key=f"geojson-{jeu.id}",
                help="Les contours eux-mêmes, pour un logiciel de cartographie (QGIS…).",
                icon=":material/download:",
            )

st.header("Plan d'actions")
plan = ui.plan()
st.markdown(
    f"**{brut(plan.titre)}** — {len(plan.axes)} axes, {len(plan.fiches)} fiches projet, "
    f"{len(plan.indicateurs())} indicateurs, transcrits du document (fichier `data/plans/{plan.id}/plan.yaml`). "
    "Sources : " + " ; ".join(f"{brut(s.section)} ({brut(s.fichier)})" for s in plan.sources)
)
indicateurs_plan = plan.indicateurs()
st.dataframe(indicateurs_plan, hide_index=True)
ui.telechargements(indicateurs_plan, f"{plan.id}-indicateurs", cle="plan")
st.download_button(
    "Télécharger le plan complet (YAML)", ui.fichier_donnees(f"plans/{plan.id}/plan.yaml"),
    file_name=f"{plan.id}.yaml", mime="application/yaml", icon=":material/download:", key="plan_yaml",
)
