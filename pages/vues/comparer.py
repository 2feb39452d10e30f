"""Comparer les territoires : les intercommunalités (EPCI) du département sur les indicateurs publiés pour
toutes, avec le département, la région et la France métropolitaine en repères (ticket 14, point 5).

Tout est calculé par ``ctg_data.comparaison_epci`` (lecture, classement, graphique) ; la page affiche."""

from dataclasses import dataclass

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
comparaison = ui.comparaison_epci_partagee()  # partagé entre les sessions : lu, jamais modifié
if comparaison is None:
    st.info("Les données de comparaison ne sont pas encore construites. Une personne chargée des données "
            "peut les produire avec l'étape de construction décrite dans la documentation du projet.",
            icon=":material/info:")
    st.stop()

cle_comparaison, df, manifeste = comparaison
territoire = ui.territoire()
code_plan = territoire.code if territoire.nature == "EPCI" else None


@st.cache_resource(show_spinner=False, max_entries=4)
def _choix(cle: str, _df) -> tuple[tuple[str, ...], dict]:
    # Les indicateurs et leurs années, une fois par version des fichiers de la comparaison (``cle``).
    codes = tuple(ce.indicateurs_disponibles(_df))
    return codes, {c: tuple(ce.annees_disponibles(_df, c)) for c in codes}


@dataclass(frozen=True)
class Affichage:
    """Ce que la page montre pour un indicateur, une année et le territoire du plan : calculé une fois, puis
    partagé entre les sessions (jamais modifié : les tableaux sont lus par st.dataframe, copiés pour les
    téléchargements)."""
    titre: str
    definition: str
    phrase: str
    unite: str
    spec: dict
    legende: str
    tableau: object
    telechargement: object
    sources: tuple[str, ...]
    details: tuple[str, ...]


@st.cache_resource(show_spinner=False, max_entries=128)
def _affichage(cle: str, code: str, annee: int, code_plan: str | None, _df) -> Affichage:
    # Clé : la version des fichiers de la comparaison, l'indicateur, l'année et l'EPCI mis en avant.
    vue = ce.vue(_df, code, annee, code_plan)
    return Affichage(f"{vue.indicateur.libelle}, {annee}", vue.indicateur.definition, vue.phrase(), vue.indicateur.unite,
                     ui.spec_graphique(vue.graphique()), vue.legende(), vue.tableau(), vue.telechargement(),
                     tuple(vue.sources()), tuple(vue.details()))


codes, annees_par_code = _choix(cle_comparaison, df)
c1, c2 = st.columns([3, 1])
code = c1.selectbox("Indicateur", codes, format_func=lambda c: ce.PAR_CODE[c].libelle, key="comparer_indicateur")
annee = c2.selectbox("Année", annees_par_code[code], format_func=str, key=f"comparer_annee-{code}")
vue = _affichage(cle_comparaison, code, annee, code_plan, df)

st.subheader(brut(vue.titre))
st.markdown(ui.texte_brut(vue.definition))
st.markdown(ui.texte_brut(vue.phrase))
if code_plan is None:
    st.caption(f"Le territoire du plan suivi ({brut(territoire.nom_complet)}) n'est pas une intercommunalité : "
               "aucune barre n'est mise en avant.")
ui.afficher_spec(vue.spec, width="stretch")
st.caption(brut(vue.legende))

st.markdown("**Le classement, en tableau** (rang 1 : valeur la plus élevée ; les repères en bas)")
st.dataframe(
    vue.tableau, hide_index=True,
    column_config={
        # Nom et valeur d'abord, épinglés : ils se lisent ensemble sur un téléphone.
        "Territoire": st.column_config.TextColumn("Territoire", width="medium", pinned=True),
        "Valeur": st.column_config.TextColumn(f"Valeur ({vue.unite})" if vue.unite else "Valeur",
                                              width="small", pinned=True),
        "Rang": st.column_config.TextColumn("Rang", width="small"),
        "Communes": st.column_config.TextColumn("Communes", width="small",
                                                help="Communes de l'intercommunalité situées dans le département"),
        "Remarque": st.column_config.TextColumn("Remarque", width="large"),
    },
)
ui.telechargements(vue.telechargement.copy(), f"comparaison-epci-{code.replace('_', '-')}-{annee}", cle="comparer")

st.caption("Source : " + brut(" ; ".join(source_lisible(s) for s in vue.sources)) + ". Licence : "
           "Licence Ouverte (Etalab), à vérifier.")
with st.expander("Détail de la source", icon=":material/description:"):
    st.markdown("\n".join(f"- {ui.texte_brut(d)}" for d in vue.details))
    st.markdown("\n".join(f"- {ui.texte_brut(c)}" for c in manifeste.get("choix", [])))
    st.caption(ui.texte_brut(f"Construit le {manifeste.get('construit_le', '')} par {manifeste.get('construit_par', '')}."))
