"""Carte d'un territoire décrit par ses communes : contours et noms des communes, limite du territoire,
commune choisie (barre latérale ou clic sur la carte), équipements du fichier du territoire s'il en
déclare un ; sinon une couche vide, une ligne qui dit comment en ajouter un et le modèle à remplir.
Toute la logique est dans ``ctg_data.carte_communes``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import carte_communes as cc
from ctg_data import catalogue, config
from ctg_data import format as fmt
from ctg_data.erreurs import ErreurDonnees
from ctg_data.territoire import charger_territoires, jeux_geo
from ctg_data.vocabulaire import CATEGORIES_EQUIPEMENTS
from pages import ui


@st.cache_data(show_spinner=False, max_entries=8)
def _equipements(dossier: str, empreinte: tuple, id_territoire: str):
    """(équipements ou None, erreur ou None) : relu quand un fichier du dossier des données change."""
    from ctg_data import geographie

    t = charger_territoires(Path(dossier))[0][id_territoire]
    ids = jeux_geo(t, catalogue.lire_catalogue(Path(dossier)))
    communes, contour = (geographie.charger_geo(i, Path(dossier)) for i in ids)
    try:
        return cc.charger_equipements(t, pd.DataFrame(communes.drop(columns="geometry")), contour, Path(dossier)), None
    except ErreurDonnees as e:
        return None, e


@st.cache_resource(show_spinner=False, max_entries=4)
def _fond_de_carte(dossier: str, empreinte: tuple, id_territoire: str, categories: tuple[str, ...], etat: str):
    # Un seul exemplaire par version des données, jamais modifié : chaque exécution en envoie une copie.
    communes, contour = ui.contours_du_territoire(id_territoire)
    return cc.carte_de_base(communes, contour, categories=list(categories), etat=etat,
                            qpv=cc.qpv_du_territoire(ui.contours("qpv"), contour))


def afficher() -> None:
    t = ui.territoire()
    communes, contour = ui.contours_du_territoire(t.id)
    choisie = ui.commune_selectionnee()
    code_choisi = choisie[0] if choisie else None
    dossier = config.dossier_donnees()
    empreinte = catalogue.empreinte(dossier)

    st.title(f"Carte — {ui.nom_brut(choisie[1])}" if choisie else f"Carte — {ui.nom_brut(t.nom)}")
    if choisie:
        st.caption(f"Commune {ui.nom_brut(choisie[1])} (code INSEE {choisie[0]}), une des {fmt.nombre(len(communes))} "
                   f"communes du territoire {ui.nom_brut(t.nom)}, soulignée sur la carte.")
    equipements, erreur = _equipements(str(dossier), empreinte, t.id) if t.equipements else (None, None)

    if equipements is not None:
        places = equipements[equipements["lat"].notna()]
        dans = equipements[equipements["code_commune"] == code_choisi] if code_choisi else equipements
        ou = f"dans la commune {ui.nom_brut(choisie[1])}" if choisie else f"dans {ui.nom_brut(t.tout_en_phrase)}"
        n_sans = len(equipements) - len(places)
        detail = (f"{fmt.nombre(len(places))} placé{'s' if len(places) > 1 else ''} sur la carte, {fmt.nombre(n_sans)} "
                  f"sans position, listé{'s' if n_sans > 1 else ''} sous la carte (jamais placé à un point deviné)")
        st.caption(
            f"{fmt.nombre(len(dans))} équipement{'s' if len(dans) > 1 else ''} {ou}"
            + (f" ; sur tout le territoire, {detail}" if choisie else f" : {detail}") + ". Source : "
            + " ; ".join(ui.nom_brut(s) for s in cc.sources_equipements(equipements)) + "."
            if len(equipements) else "Le fichier des équipements du territoire n'a encore aucune ligne.")
    elif erreur is not None:
        st.error("Le fichier des équipements n'a pas pu être lu : la carte montre les communes sans équipements.  \n"
                 + ui.texte_brut(erreur.message()).replace("\n", "  \n"), icon=":material/error:")

    # --- Carte : fond en cache (cadre jamais rechargé), commune choisie et équipements en couches ajoutées.
    categories = tuple(c for c in CATEGORIES_EQUIPEMENTS
                       if equipements is not None and c in set(equipements.loc[equipements["lat"].notna(), "categorie"]))
    fond = _fond_de_carte(str(dossier), empreinte, t.id, categories, cc.etat_equipements(equipements, erreur is not None))
    sortie = st_folium(
        cartes.copie(fond),
        height=cc.HAUTEUR_PX,
        use_container_width=True,
        returned_objects=["last_clicked"],  # déplacer ou zoomer la carte ne relance pas la page
        feature_group_to_add=cc.couches_dynamiques(communes, code_choisi, equipements, refuse=erreur is not None),
        layer_control=cartes.ControleCouches(),
        key="carte-communes",
    )
    ui.choisir_commune_au_clic(sortie, "_carte_communes_clic_suivi", communes, code_choisi)

    jeu_communes = ui.catalogue().get(jeux_geo(t, ui.catalogue())[0])
    st.caption(
        f"Cliquez sur une commune pour la choisir. Contours des {fmt.nombre(len(communes))} communes (simplifiés "
        f"pour la carte) : {ui.nom_brut(jeu_communes.document if jeu_communes else 'IGN, INSEE')}."
    )
    qpv = cc.qpv_du_territoire(ui.contours("qpv"), contour)
    jeu_qpv = ui.catalogue().get("qpv")
    source_qpv = ui.nom_brut(f"{jeu_qpv.producteur}, {jeu_qpv.document}") if jeu_qpv else "ANCT"
    if qpv is not None and not qpv.empty:
        noms = " ; ".join(f"{ui.nom_brut(n)} ({ui.nom_brut(c)})" for n, c in zip(qpv["nom_qpv"], qpv["commune"]))
        st.caption(f"Quartiers prioritaires de la politique de la ville dans le territoire (tirets rouges) : {noms}. "
                   f"Source : {source_qpv}.")
    else:
        st.caption(f"Aucun quartier prioritaire (QPV 2024) dans le territoire d'après le fichier des QPV de la "
                   f"Côte-d'Or ({source_qpv}).")

    if equipements is None and erreur is None:
        st.markdown(f"**{cc.PAS_DE_FICHIER}** : la couche «\u00a0Équipements\u00a0» de la carte est vide. Pour les "
                    "ajouter, remplissez le modèle ci-dessous ; où le ranger et comment le déclarer : "
                    "«\u00a0Détail technique\u00a0».")
        m1, m2 = st.columns(2)
        m1.download_button("Modèle à remplir (CSV)", cc.modele_csv, file_name=f"equipements-{t.id}-modele.csv",
                           mime="text/csv", icon=":material/download:", key="carte_modele_csv",
                           help="La ligne d'en-tête à garder telle quelle ; point-virgule, s'ouvre dans un tableur.")
        m2.download_button("Modèle à remplir (Excel, avec le mode d'emploi)", cc.modele_xlsx,
                           file_name=f"equipements-{t.id}-modele.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key="carte_modele_xlsx",
                           help="Première feuille à remplir ; les suivantes expliquent chaque colonne et les catégories admises.")
        with st.expander("Détail technique : ajouter le fichier des équipements", icon=":material/build:"):
            st.markdown(ui.nom_brut(cc.phrase_declaration(t)))

    if equipements is not None and len(equipements):
        sans = equipements[equipements["lat"].isna()]
        if not sans.empty:
            with st.expander(f"Équipements sans position ({fmt.nombre(len(sans))})"):
                st.caption("Comptés dans leur commune, non placés sur la carte plutôt que placés à un point deviné.")
                st.dataframe(_lisibles(sans), hide_index=True)
        with st.expander(f"Les {fmt.nombre(len(equipements))} équipements du fichier, en tableau", icon=":material/table_view:"):
            st.dataframe(_lisibles(equipements), hide_index=True)
            ui.telechargements(_lisibles(equipements, positions=True), f"equipements-{t.id}", cle="carte-equipements")

    st.subheader("Les communes du territoire")
    tableau = cc.tableau_communes(pd.DataFrame(communes.drop(columns="geometry")), equipements)
    # À l'écran, sans le code INSEE quand il y a des équipements (la colonne « commune » du fichier accepte
    # le nom) : le tableau tient dans la largeur d'un téléphone ; le fichier téléchargé garde le code.
    st.dataframe(tableau.drop(columns="Code INSEE") if equipements is not None else tableau, hide_index=True)
    ui.telechargements(tableau, f"communes-{t.id}", jeu=jeu_communes, cle="carte-communes")


def _lisibles(equipements: pd.DataFrame, positions: bool = False) -> pd.DataFrame:
    """Les équipements pour un lecteur : en-têtes et catégories en mots, cellule vide nommée."""
    tableau = pd.DataFrame({
        "Nom": equipements["nom"], "Catégorie": equipements["categorie"].map(CATEGORIES_EQUIPEMENTS),
        "Commune": equipements["commune"], "Code INSEE": equipements["code_commune"],
        "Adresse": equipements["adresse"].fillna("non précisée"),
        "Capacité (places)": [fmt.nombre(int(c)) if not pd.isna(c) else "non précisée" for c in equipements["capacite"]],
        "Source": equipements["source"], "Note": equipements["note"].fillna(""),
    })
    if positions:
        tableau["Latitude"] = equipements["lat"].round(5)
        tableau["Longitude"] = equipements["lon"].round(5)
    return tableau.reset_index(drop=True)
