"""Carte d'un territoire décrit par ses communes : contours et noms des communes, limite du territoire,
commune choisie (barre latérale ou clic sur la carte), équipements du fichier du territoire s'il en
déclare un ; sinon une couche vide, une ligne qui dit comment en ajouter un et le modèle à remplir.
Toute la logique est dans ``ctg_data.carte_communes``."""

from __future__ import annotations

import streamlit as st

from ctg_data import carte_communes as cc
from ctg_data import format as fmt
from pages import ui
from pages.ui import cache_carte, carte_en_cache


def afficher() -> None:
    t = ui.territoire()
    choisie = ui.commune_selectionnee()
    code_choisi = choisie[0] if choisie else None
    # Calculé une fois par version des fichiers (et par commune choisie pour la carte), partagé entre les
    # sessions (pages/ui/cache_carte.py) : une réexécution ne relit ni ne recalcule rien.
    cle = {"cle_donnees": ui.cle_donnees(), "id_territoire": t.id}
    donnees = cache_carte.donnees_communes(**cle)
    equipements, erreur = donnees.equipements, donnees.erreur

    st.title(f"Carte — {ui.nom_brut(choisie[1])}" if choisie else f"Carte — {ui.nom_brut(t.nom)}")
    if choisie:
        st.caption(f"Commune {ui.nom_brut(choisie[1])} (code INSEE {choisie[0]}), une des {fmt.nombre(donnees.n_communes)} "
                   f"communes du territoire {ui.nom_brut(t.nom)}, soulignée sur la carte.")

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

    # --- Carte : fond en cache (cadre jamais rechargé), commune choisie et équipements en couches ajoutées
    # (feature_group_to_add), rendues une fois par commune ; déplacer ou zoomer la carte ne relance pas la
    # page (seul le dernier clic revient).
    sortie = carte_en_cache.afficher_carte(cache_carte.carte_communes(**cle, code_choisi=code_choisi, _base=donnees), "carte-communes")
    ui.choisir_commune_au_clic(sortie, "_carte_communes_clic_suivi", donnees.communes, code_choisi)

    jeu_communes = donnees.jeu_communes
    st.caption(
        f"Cliquez sur une commune pour la choisir. Contours des {fmt.nombre(donnees.n_communes)} communes (simplifiés "
        f"pour la carte) : {ui.nom_brut(jeu_communes.document if jeu_communes else 'IGN, INSEE')}."
    )
    if donnees.noms_qpv:
        st.caption(f"Quartiers prioritaires de la politique de la ville dans le territoire (tirets rouges) : "
                   f"{donnees.noms_qpv}. Source : {donnees.source_qpv}.")
    else:
        st.caption(f"Aucun quartier prioritaire (QPV 2024) dans le territoire d'après le fichier des QPV de la "
                   f"Côte-d'Or ({donnees.source_qpv}).")

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

    if donnees.lisibles is not None:
        if donnees.sans_position is not None:
            with st.expander(f"Équipements sans position ({fmt.nombre(len(donnees.sans_position))})"):
                st.caption("Comptés dans leur commune, non placés sur la carte plutôt que placés à un point deviné.")
                st.dataframe(donnees.sans_position, hide_index=True)
        with st.expander(f"Les {fmt.nombre(len(equipements))} équipements du fichier, en tableau", icon=":material/table_view:"):
            st.dataframe(donnees.lisibles, hide_index=True)
            ui.telechargements(donnees.lisibles_positions, f"equipements-{t.id}", cle="carte-equipements")

    st.subheader("Les communes du territoire")
    # À l'écran, sans le code INSEE quand il y a des équipements (la colonne « commune » du fichier accepte
    # le nom) : le tableau tient dans la largeur d'un téléphone ; le fichier téléchargé garde le code.
    st.dataframe(donnees.tableau_communes_ecran, hide_index=True)
    ui.telechargements(donnees.tableau_communes, f"communes-{t.id}", jeu=jeu_communes, cle="carte-communes")
