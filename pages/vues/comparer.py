"""Comparer les territoires : les intercommunalités (EPCI) du département sur les indicateurs publiés pour
toutes, avec le département, la région et la France métropolitaine en repères (ticket 14, point 5).

Tout est calculé par ``ctg_data.comparaison_epci`` (lecture, classement, graphique) ; la page affiche."""

import streamlit as st

from ctg_data import comparaison_epci as ce
from ctg_data.vocabulaire import source_lisible
from pages import ui

ui.altair()  # thème français des graphiques (le graphique porte aussi sa locale)
brut = ui.nom_brut


st.title("Comparer les territoires")
st.markdown(
    "Les intercommunalités (EPCI) du département côte à côte, sur les indicateurs que l'INSEE publie pour "
    "chacune d'elles, avec le département, la région et la France métropolitaine comme repères. Chaque valeur "
    "est celle que publie la source pour le territoire entier : rien n'est calculé à partir des communes, "
    "rien n'est estimé."
)
comparaison = ui.comparaison_epci()
if comparaison is None:
    st.info("Les données de comparaison ne sont pas encore construites. Une personne chargée des données "
            "peut les produire avec l'étape de construction décrite dans la documentation du projet.",
            icon=":material/info:")
    st.stop()

df, manifeste = comparaison
territoire = ui.territoire()
code_plan = territoire.code if territoire.nature == "EPCI" else None

codes = ce.indicateurs_disponibles(df)
c1, c2 = st.columns([3, 1])
code = c1.selectbox("Indicateur", codes, format_func=lambda c: ce.PAR_CODE[c].libelle, key="comparer_indicateur")
annees = ce.annees_disponibles(df, code)
annee = c2.selectbox("Année", annees, format_func=str, key=f"comparer_annee-{code}")
vue = ce.vue(df, code, annee, code_plan)

st.subheader(brut(f"{vue.indicateur.libelle}, {annee}"))
st.markdown(ui.texte_brut(vue.indicateur.definition))
st.markdown(ui.texte_brut(vue.phrase()))
if code_plan is None:
    st.caption(f"Le territoire du plan suivi ({brut(territoire.nom_complet)}) n'est pas une intercommunalité : "
               "aucune barre n'est mise en avant.")
st.altair_chart(vue.graphique(), width="stretch")
st.caption(brut(vue.legende()))

st.markdown("**Le classement, en tableau** (rang 1 : valeur la plus élevée ; les repères en bas)")
st.dataframe(
    vue.tableau(), hide_index=True,
    column_config={
        # Nom et valeur d'abord, épinglés : ils se lisent ensemble sur un téléphone.
        "Territoire": st.column_config.TextColumn("Territoire", width="medium", pinned=True),
        "Valeur": st.column_config.TextColumn(f"Valeur ({vue.indicateur.unite})" if vue.indicateur.unite else "Valeur",
                                              width="small", pinned=True),
        "Rang": st.column_config.TextColumn("Rang", width="small"),
        "Communes": st.column_config.TextColumn("Communes", width="small",
                                                help="Communes de l'intercommunalité situées dans le département"),
        "Remarque": st.column_config.TextColumn("Remarque", width="large"),
    },
)
ui.telechargements(vue.telechargement(), f"comparaison-epci-{code.replace('_', '-')}-{annee}", cle="comparer")

st.caption("Source : " + brut(" ; ".join(source_lisible(s) for s in vue.sources())) + ". Licence : "
           "Licence Ouverte (Etalab), à vérifier.")
with st.expander("Détail de la source", icon=":material/description:"):
    st.markdown("\n".join(f"- {ui.texte_brut(d)}" for d in vue.details()))
    st.markdown("\n".join(f"- {ui.texte_brut(c)}" for c in manifeste.get("choix", [])))
    st.caption(ui.texte_brut(f"Construit le {manifeste.get('construit_le', '')} par {manifeste.get('construit_par', '')}."))
