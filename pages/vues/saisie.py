"""Saisie (éditeurs seulement) : valeurs des indicateurs, import d'un fichier, statuts manuels,
corrections des équipements."""

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import exports
from ctg_data import saisie as sa
from ctg_data.erreurs import ErreurDonnees
from ctg_data.stockage import ETATS_EQUIPEMENT, STATUTS_MANUELS, ErreurStockage
from pages import ui


qui = ui.identite()
if qui is None:  # page atteinte sans connexion : rien n'est affiché ni enregistrable
    st.error("Cette page est réservée aux éditeurs connectés.")
    st.stop()

plan = ui.plan()
zones = ["Dijon", *sorted(ui.donnees("quartiers")["nom"])] if plan.donnees_territoriales else [plan.territoire]
courantes, manuels, base_ok = ui.valeurs_saisies(plan.id)
if not base_ok:
    st.stop()

st.title("Saisie")
st.caption(
    f"Connecté·e : {qui.nom}. Chaque enregistrement garde son auteur, sa date et sa source ; rien n'est "
    "écrasé : une correction ajoute une version, visible dans l'historique du plan d'actions."
)
onglet_une, onglet_grille, onglet_import, onglet_statuts, onglet_equipements = st.tabs(
    ["Une valeur", "Plusieurs valeurs (grille)", "Importer un fichier", "Statuts", "Équipements"])


def afficher_erreur_fichier(e: ErreurDonnees) -> None:
    st.error(e.message().replace("\n", "  \n") + "\n\nRien n'a été enregistré.", icon=":material/error:")


# --- Une valeur ------------------------------------------------------------------------------
with onglet_une:
    tous = plan.indicateurs().set_index("indicateur")
    u1, u2, u3 = st.columns([4, 2, 1])
    id_ind = u1.selectbox("Indicateur", list(tous.index), key="une_indicateur",
                          format_func=lambda i: f"{i} — {tous.loc[i, 'libelle'][:100]}")
    zone_une = u2.selectbox("Zone", zones, key="une_zone")
    periode_une = u3.text_input("Période", value=str(dt.date.today().year), key="une_periode")
    actuelle = ui.valeur_actuelle(courantes, id_ind, zone_une, periode_une)
    unite_une = tous.loc[id_ind, "unite"] if isinstance(tous.loc[id_ind, "unite"], str) else "à définir"
    st.caption(f"Valeur actuelle : {actuelle['valeur_actuelle'] or 'aucune'} ; unité : {unite_une}.")
    # La version lue à l'affichage précédent (celle que la personne a vue) sert à l'enregistrement :
    # si quelqu'un a enregistré entre-temps, c'est un conflit.
    cle_version = f"une_version::{id_ind}::{zone_une}::{periode_une}"
    version_vue = st.session_state.get(cle_version, actuelle["version"])
    st.session_state[cle_version] = actuelle["version"]
    with st.form("une_valeur"):
        valeur_une = st.text_input("Valeur", help="Un nombre (12,5) ou, pour un indicateur sans unité, un texte court.")
        commentaire_une = st.text_input("Commentaire")
        source_une = st.text_input("Source (obligatoire)", help="Document, outil ou comptage d'où vient la valeur.")
        if st.form_submit_button("Enregistrer la valeur", type="primary"):
            nombre_une = sa.nombre(valeur_une) if valeur_une.strip() else None
            if nombre_une is None and valeur_une.strip() and isinstance(tous.loc[id_ind, "unite"], str):
                st.error("Cet indicateur est chiffré : saisissez un nombre. Rien n'a été enregistré.")
            else:
                try:
                    version = ui.stockage().enregistrer_valeur(
                        qui, plan.id, id_ind, zone_une, periode_une, valeur=nombre_une,
                        valeur_texte=None if nombre_une is not None else valeur_une, commentaire=commentaire_une or None,
                        source=source_une, version_vue=int(version_vue))
                except ErreurStockage as e:
                    ui.erreur_ecriture(e)
                else:
                    st.session_state[cle_version] = version
                    st.success(f"Valeur enregistrée (version {version}).")

# --- Grille ----------------------------------------------------------------------------------
with onglet_grille:
    c1, c2, c3 = st.columns([3, 2, 1])
    fiches = [f for f in plan.fiches if f.indicateurs]
    id_fiche = c1.selectbox("Fiche", [f.id for f in fiches], format_func=lambda f: f"{f} — {plan.fiche(f).titre}", key="saisie_fiche")
    zone = c2.selectbox("Zone", zones, key="saisie_zone")
    periode = c3.text_input("Période", value=str(dt.date.today().year), key="saisie_periode",
                            help="Une année (2025), un semestre (2025-S1), un trimestre (2025-T2) ou un mois (2025-03).")
    cle = (id_fiche, zone, periode)
    # La grille est figée au moment où l'on commence à saisir : les versions affichées servent à
    # détecter qu'une autre personne a enregistré entre-temps (conflit).
    if st.session_state.get("saisie_cle") != cle:
        st.session_state["saisie_cle"] = cle
        st.session_state["saisie_base"] = pd.DataFrame([
            {"indicateur": i.id, "libelle": i.libelle, "unite": i.unite or "",
             **ui.valeur_actuelle(courantes, i.id, zone, periode), "nouvelle_valeur": "", "commentaire": "", "source": ""}
            for i in plan.fiche(id_fiche).indicateurs
        ])
    base = st.session_state["saisie_base"]
    modifiee = st.data_editor(
        base, hide_index=True, key=f"grille-{'-'.join(cle)}", width="stretch",
        disabled=["indicateur", "libelle", "unite", "valeur_actuelle", "version"],
        column_config={
            "indicateur": "Indicateur", "libelle": st.column_config.TextColumn("Libellé", width="large"),
            "unite": "Unité", "valeur_actuelle": "Valeur actuelle", "version": None,
            "nouvelle_valeur": st.column_config.TextColumn("Nouvelle valeur", help="Un nombre (12,5) ou, pour un indicateur sans unité, un texte court."),
            "commentaire": "Commentaire",
            "source": st.column_config.TextColumn("Source", help="Obligatoire : document, outil ou comptage d'où vient la valeur."),
        },
    )
    g1, g2 = st.columns([1, 4])
    if g1.button("Enregistrer", type="primary", icon=":material/save:", key="saisie_enregistrer"):
        lignes = [
            {"indicateur": l["indicateur"], "zone": zone, "periode": periode, "version_vue": int(l["version"]),
             "valeur": sa.nombre(l["nouvelle_valeur"]),
             "valeur_texte": None if sa.nombre(l["nouvelle_valeur"]) is not None else l["nouvelle_valeur"],
             "commentaire": l["commentaire"] or None, "source": l["source"]}
            for l in modifiee.to_dict("records") if str(l["nouvelle_valeur"]).strip()
        ]
        texte_avec_unite = [l["indicateur"] for l, b in zip(lignes, [base.set_index("indicateur").loc[l["indicateur"], "unite"] for l in lignes])
                            if l["valeur"] is None and b]
        if not lignes:
            st.warning("Aucune nouvelle valeur à enregistrer.")
        elif texte_avec_unite:
            st.error(f"Valeur non numérique pour un indicateur chiffré : {', '.join(texte_avec_unite)}. Rien n'a été enregistré.")
        else:
            try:
                n = ui.stockage().enregistrer_lot(qui, plan.id, lignes)
            except ErreurStockage as e:
                ui.erreur_ecriture(e)
                st.caption("Vos saisies restent dans la grille : « Recharger » affiche les valeurs actuelles.")
            else:
                st.session_state.pop("saisie_cle", None)
                st.success(f"{n} valeur(s) enregistrée(s).")
                st.rerun()
    if g2.button("Recharger les valeurs actuelles", icon=":material/refresh:", key="saisie_recharger"):
        st.session_state.pop("saisie_cle", None)
        st.rerun()

# --- Import ----------------------------------------------------------------------------------
with onglet_import:
    st.markdown(
        "Importez un fichier **CSV** (séparateur `;` ou `,`, UTF-8) ou **Excel** avec les colonnes "
        "`indicateur`, `zone`, `periode`, `valeur`, `commentaire`, `source`. Vous verrez ce qui va changer "
        "avant de confirmer ; l'import est **tout ou rien** : un fichier avec une erreur ne change rien."
    )
    m1, m2 = st.columns(2)
    m1.download_button("Modèle à remplir (Excel)", lambda: sa.modele_xlsx(plan), file_name="ctg-dijon-modele-saisie.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
                       key="modele_xlsx")
    m2.download_button("Modèle à remplir (CSV)", lambda: exports.en_csv(sa.modele_import(plan)), file_name="ctg-dijon-modele-saisie.csv",
                       mime="text/csv", icon=":material/download:", key="modele_csv")
    fichier = st.file_uploader("Fichier à importer", type=["csv", "xlsx"], key="import_fichier")
    if fichier is not None:
        barre = st.progress(0.1, text=f"Lecture de {fichier.name}…")
        try:
            lignes = sa.valider(sa.lire_fichier(fichier.getvalue(), fichier.name), plan, zones, fichier.name)
        except ErreurDonnees as e:
            barre.empty()
            afficher_erreur_fichier(e)
        else:
            barre.progress(0.6, text="Comparaison avec les valeurs enregistrées…")
            apercu = sa.apercu(lignes, courantes)
            barre.progress(1.0, text="Aperçu prêt.")
            compte = apercu["action"].value_counts()
            st.markdown(
                f"**{len(apercu)}** ligne(s) lue(s) : {compte.get('nouvelle valeur', 0)} nouvelle(s) valeur(s), "
                f"{compte.get('modification', 0)} modification(s), {compte.get('identique (ignorée)', 0)} identique(s) ignorée(s)."
            )
            st.dataframe(apercu[["ligne", "action", "indicateur", "zone", "periode", "ancienne_valeur", "valeur",
                                 "valeur_texte", "commentaire", "source"]], hide_index=True)
            a_ecrire = sa.a_enregistrer(apercu)
            if a_ecrire and st.button(f"Confirmer l'import ({len(a_ecrire)} valeur(s))", type="primary", key="import_confirmer"):
                try:
                    n = ui.stockage().enregistrer_lot(qui, plan.id, a_ecrire)
                except ErreurStockage as e:
                    ui.erreur_ecriture(e)
                else:
                    st.success(f"Import terminé : {n} valeur(s) enregistrée(s).")

# --- Statuts manuels -------------------------------------------------------------------------
with onglet_statuts:
    st.markdown("Fixer à la main le statut d'un indicateur (par exemple « abandonné »), avec la raison. "
                "Le statut calculé reste visible dans l'historique.")
    indicateurs = plan.indicateurs()
    with st.form("statut_manuel"):
        id_ind = st.selectbox("Indicateur", list(indicateurs["indicateur"]),
                              format_func=lambda i, libelles=dict(zip(indicateurs["indicateur"], indicateurs["libelle"])): f"{i} — {libelles[i][:90]}")
        statut = st.selectbox("Statut", ["(revenir au statut calculé)", *STATUTS_MANUELS])
        motif = st.text_input("Motif (obligatoire)")
        if st.form_submit_button("Enregistrer le statut"):
            try:
                ui.stockage().fixer_statut(qui, plan.id, id_ind, None if statut.startswith("(") else statut, motif)
            except ErreurStockage as e:
                ui.erreur_ecriture(e)
            else:
                st.success("Statut enregistré.")

# --- Équipements -----------------------------------------------------------------------------
with onglet_equipements:
    equipements = ui.equipements_localises()
    quartiers_geo = ui.contours("quartiers_geo")
    id_eq = st.selectbox("Équipement", list(equipements["id"]),
                         format_func=lambda i, noms=dict(zip(equipements["id"], equipements["nom"])): f"{i} — {noms[i]}",
                         key="correction_equipement")
    e = equipements.set_index("id").loc[id_eq]
    st.markdown(
        f"**{e['nom']}** — {e['categorie']}, {e['adresse'] if isinstance(e['adresse'], str) else 'adresse non précisée'}  \n"
        f"Position : {e['precision']}" + (f" ({e['origine_position']})" if isinstance(e['origine_position'], str) else "")
        + f"  \nQuartier : {e['quartier'] if isinstance(e['quartier'], str) else 'non connu'}"
    )
    cle_point = f"point_propose_{id_eq}"
    sortie = st_folium(
        cartes.carte_correction(equipements[equipements["id"] == id_eq], quartiers_geo, st.session_state.get(cle_point)),
        height=420, use_container_width=True, returned_objects=["last_clicked"], key=f"carte-correction-{id_eq}",
    )
    clic = (sortie or {}).get("last_clicked")
    if clic and st.session_state.get(cle_point) != (clic["lat"], clic["lng"]):
        st.session_state[cle_point] = (clic["lat"], clic["lng"])
        st.rerun()
    point = st.session_state.get(cle_point)
    if point:
        st.info(f"Nouvelle position proposée : {point[0]:.5f}, {point[1]:.5f}. Confirmez pour l'enregistrer.")
    else:
        st.caption("Cliquez sur la carte à l'emplacement exact de l'équipement pour proposer une position, "
                   "ou saisissez ses coordonnées ci-dessous.")
    with st.expander("Sans la carte : saisir les coordonnées (latitude, longitude)", icon=":material/keyboard:"):
        with st.form(f"coordonnees_{id_eq}", border=False):
            c_lat, c_lon = st.columns(2)
            lat_saisie = c_lat.number_input("Latitude (degrés décimaux)", min_value=-90.0, max_value=90.0, value=None,
                                            format="%.5f", placeholder="par ex. 47.32200")
            lon_saisie = c_lon.number_input("Longitude (degrés décimaux)", min_value=-180.0, max_value=180.0, value=None,
                                            format="%.5f", placeholder="par ex. 5.04150")
            if st.form_submit_button("Proposer cette position"):
                if lat_saisie is None or lon_saisie is None:
                    st.error("Indiquez la latitude et la longitude (par exemple sur adresse.data.gouv.fr).")
                else:
                    st.session_state[cle_point] = (float(lat_saisie), float(lon_saisie))
                    st.rerun()
    with st.form(f"correction_{id_eq}"):
        nouveau_quartier = st.selectbox("Quartier", ["(inchangé)", *zones[1:]], key=f"correction_quartier_{id_eq}")
        capacite = st.number_input("Capacité (places)", min_value=0, step=1, value=None, placeholder="(inchangée)")
        etat = st.selectbox("État", ["(inchangé)", *ETATS_EQUIPEMENT])
        garder_point = st.checkbox("Enregistrer aussi la nouvelle position proposée", value=point is not None, disabled=point is None)
        motif = st.text_input("Motif (obligatoire)")
        if st.form_submit_button("Confirmer la correction", type="primary"):
            try:
                ui.stockage().corriger_equipement(
                    qui, id_eq, motif=motif,
                    lat=point[0] if point and garder_point else None, lon=point[1] if point and garder_point else None,
                    quartier=None if nouveau_quartier.startswith("(") else nouveau_quartier,
                    capacite=None if capacite is None else int(capacite),
                    etat=None if etat.startswith("(") else etat,
                )
            except ErreurStockage as err:
                ui.erreur_ecriture(err)
            else:
                st.session_state.pop(cle_point, None)
                st.success("Correction enregistrée : elle l'emporte sur le géocodage et sur le fichier livré.")
                st.rerun()
    historique = ui.stockage().historique_corrections(id_eq)
    if not historique.empty:
        st.markdown("**Corrections de cet équipement**")
        st.dataframe(historique.drop(columns=["equipement"]), hide_index=True)
        actives = historique[historique["annule_par"].isna() & ~historique["motif"].str.startswith("Annulation")]
        if not actives.empty:
            a1, a2, a3 = st.columns([1, 3, 1])
            id_corr = a1.selectbox("Correction à annuler", list(actives["id"]), key=f"annuler_id_{id_eq}")
            motif_annulation = a2.text_input("Motif de l'annulation", key=f"annuler_motif_{id_eq}")
            if a3.button("Annuler", key=f"annuler_{id_eq}"):
                try:
                    ui.stockage().annuler_correction(qui, int(id_corr), motif_annulation or "sans motif")
                except ErreurStockage as err:
                    ui.erreur_ecriture(err)
                else:
                    st.rerun()
