"""Saisie (éditeurs seulement) : valeurs des indicateurs, import d'un fichier, statuts manuels,
corrections des équipements."""

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ctg_data import carte as cartes
from ctg_data import exports
from ctg_data import saisie as sa
from ctg_data import vues_plan as vp
from ctg_data.erreurs import ErreurDonnees
from ctg_data.stockage import ConflitSaisie, ErreurStockage
from ctg_data.vocabulaire import ETATS_EQUIPEMENT, LIBELLES_STATUTS, Statut
from pages import ui


qui = ui.identite()
if qui is None:  # sans connexion (page rechargée, lien) : message en français et connexion, rien d'autre
    ui.demander_connexion()

plan = ui.plan()
territoire = ui.territoire()
sous_zones = ui.sous_zones_du_territoire()
zones = vp.zones_du_plan(territoire, sous_zones)  # le territoire entier, puis ses sous-zones
singulier_zone = territoire.sous_zones.singulier if territoire.sous_zones else "zone"
courantes, manuels, base_ok = ui.valeurs_saisies(plan.id)
if not base_ok:
    st.stop()

st.title("Saisie")
st.caption(
    f"Connecté·e : {ui.nom_brut(qui.nom)}. Chaque enregistrement garde son auteur, sa date et sa source ; rien n'est "
    "écrasé : une correction ajoute une version, visible dans l'historique du plan d'actions."
)
onglet_une, onglet_grille, onglet_import, onglet_statuts, onglet_equipements, onglet_connexions = st.tabs(
    ["Une valeur", "Plusieurs valeurs (grille)", "Importer un fichier", "Statuts", "Équipements", "Connexions"])

with onglet_connexions:  # journal des connexions, en lecture (le magasin revérifie l'identité)
    ui.journal_des_connexions(qui)


def afficher_erreur_fichier(e: ErreurDonnees) -> None:
    """Les problèmes d'un fichier importé : le contenu du fichier est cité comme du texte, pas du Markdown."""
    titre, *problemes = e.message().split("\n")
    st.error(ui.texte_brut(titre) + "\n" + "".join(f"\n- {ui.texte_brut(p.removeprefix('- '))}" for p in problemes)
             + "\n\nRien n'a été enregistré.", icon=":material/error:")


# --- Une valeur ------------------------------------------------------------------------------
tous = vp.indicateurs_du_plan(plan).set_index("indicateur")
SANS_INDICATEUR = ("Ce plan n'a pas d'indicateur : il n'y a pas de valeur à saisir (chaque fiche dit pourquoi, "
                   "page « Plan d'actions »).")


def unite(id_ind: str) -> str | None:
    u = tous.loc[id_ind, "unite"]
    return u if isinstance(u, str) and u.strip() else None


with onglet_une:
    if tous.empty:
        st.info(SANS_INDICATEUR, icon=":material/info:")
    else:
        u1, u2, u3 = st.columns([4, 2, 1])
        id_ind = u1.selectbox("Indicateur", list(tous.index), key="une_indicateur",
                              format_func=lambda i: f"{i} — {tous.loc[i, 'libelle'][:100]}")
        zone_une = u2.selectbox("Zone", zones, key="une_zone")
        periode_une = u3.text_input("Période", value=str(dt.date.today().year), key="une_periode")
        actuelle = vp.valeur_actuelle(courantes, id_ind, zone_une, periode_une)
        st.caption(f"Valeur actuelle : {ui.texte_brut(actuelle['valeur_actuelle'] or 'aucune')} ; "
                   f"unité : {ui.texte_brut(unite(id_ind) or 'aucune (un texte court est accepté)')}.")
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
                lue = vp.lire_valeur(valeur_une, unite(id_ind))  # la règle du nombre exigé, dans le cœur
                if lue.erreur:
                    st.error(ui.texte_brut(lue.erreur) + ". Rien n'a été enregistré.", icon=":material/error:")
                else:
                    try:
                        version = ui.stockage().enregistrer_valeur(
                            qui, plan.id, id_ind, zone_une, periode_une, valeur=lue.valeur, valeur_texte=lue.texte,
                            commentaire=commentaire_une or None, source=source_une, version_vue=int(version_vue))
                    except ErreurStockage as e:
                        ui.erreur_ecriture(e)
                    else:
                        st.session_state[cle_version] = version
                        st.success(f"Valeur enregistrée (version {version}).")

# --- Grille ----------------------------------------------------------------------------------
with onglet_grille:
    fiches = [f for f in plan.fiches if f.indicateurs]
    if not fiches:
        st.info(SANS_INDICATEUR, icon=":material/info:")
    else:
        c1, c2, c3 = st.columns([3, 2, 1])
        id_fiche = c1.selectbox("Fiche", [f.id for f in fiches], format_func=lambda f: f"{f} — {plan.fiche(f).titre}",
                                key="saisie_fiche")
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
                 **vp.valeur_actuelle(courantes, i.id, zone, periode), "nouvelle_valeur": "", "commentaire": "", "source": ""}
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
            lignes, erreurs = sa.lignes_grille(modifiee, zone, periode)  # même règle du nombre que l'import
            if erreurs:
                st.error("Valeur refusée :\n" + "".join(f"\n- {ui.texte_brut(e)}" for e in erreurs)
                         + "\n\nRien n'a été enregistré.", icon=":material/error:")
            elif not lignes:
                st.warning("Aucune nouvelle valeur à enregistrer.")
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
        "Importez un fichier **CSV** (séparateur `;`, `,` ou tabulation ; UTF-8, UTF-16 ou Windows-1252) ou "
        "**Excel** (.xlsx, première feuille) avec les colonnes "
        "`indicateur`, `zone`, `periode`, `valeur`, `commentaire`, `source`. Vous verrez ce qui va changer "
        "avant de confirmer ; l'import est **tout ou rien** : un fichier avec une erreur ne change rien."
    )
    st.caption("Zones admises : " + ", ".join(f"« {ui.texte_brut(z)} »" for z in zones)
               + ". Une valeur est un nombre (12,5), ou un texte court pour un indicateur sans unité.")
    if tous.empty:
        st.info(SANS_INDICATEUR, icon=":material/info:")
    m1, m2 = st.columns(2)
    m1.download_button("Modèle à remplir (Excel)", lambda: sa.modele_xlsx(plan, territoire), file_name=f"{plan.id}-modele-saisie.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
                       key="modele_xlsx")
    m2.download_button("Modèle à remplir (CSV)", lambda: exports.en_csv(sa.modele_import(plan, territoire)),
                       file_name=f"{plan.id}-modele-saisie.csv", mime="text/csv", icon=":material/download:",
                       key="modele_csv")
    # Le fichier est lu une fois par contenu (empreinte SHA-256) : l'aperçu, avec les versions qu'il
    # montre, est gardé dans la session et c'est lui qui est confirmé (conflit si quelqu'un a enregistré
    # entre-temps). Après un import, le champ est vidé (nouvelle clé) : aperçu et bouton disparaissent.
    etat = st.session_state.setdefault("import_etat", {"generation": 0})
    fichier = st.file_uploader("Fichier à importer", type=["csv", "tsv", "txt", "xlsx", "xlsm"],
                               key=f"import_fichier_{etat['generation']}",
                               help=f"Limites : {sa.texte_limites()}. CSV en UTF-8, UTF-16 ou Windows-1252 ; "
                                    "séparateur point-virgule, virgule ou tabulation.")
    if fichier is None:
        etat.pop("apercu", None)
        etat.pop("cle", None)
        if etat.get("termine"):
            st.success(etat["termine"], icon=":material/check_circle:")
    else:
        etat.pop("termine", None)
        try:
            sa.verifier_taille(fichier.size, fichier.name)  # avant toute lecture
            contenu = fichier.getvalue()
            cle = (plan.id, tuple(zones), sa.empreinte(contenu))
            if etat.get("cle") != cle:
                if etat.get("conflit", (None,))[0] != cle:
                    etat.pop("conflit", None)
                etat.update(cle=cle, apercu=None)
                with st.spinner(f"Lecture de {fichier.name}…"):
                    try:
                        etat["apercu"] = sa.preparer_import(contenu, fichier.name, plan, zones, courantes)
                    except ErreurDonnees as e:
                        etat["apercu"] = e  # l'erreur aussi est gardée : le fichier n'est pas relu à chaque clic
            resultat = etat["apercu"]
        except ErreurDonnees as e:  # trop lourd : refusé sans être lu
            etat.pop("cle", None)
            etat.pop("apercu", None)
            resultat = e
        conflit = etat.get("conflit")
        if conflit and conflit[0] == etat.get("cle"):
            st.error("  \n".join(ui.texte_brut(l) for l in conflit[1].split("\n")), icon=":material/sync_problem:")
            st.caption("L'aperçu ci-dessous est recalculé avec les valeurs enregistrées maintenant : relisez-le "
                       "avant de confirmer de nouveau.")
        if isinstance(resultat, ErreurDonnees):
            afficher_erreur_fichier(resultat)
        elif resultat is not None:
            for phrase in resultat.resume():
                st.markdown(ui.texte_brut(phrase))
            st.dataframe(sa.apercu_lisible(resultat.tableau), hide_index=True)  # 12,5 et non 12.5
            a_ecrire = resultat.a_ecrire
            if not a_ecrire:
                st.info("Rien à enregistrer : chaque valeur du fichier est déjà enregistrée telle quelle.",
                        icon=":material/info:")
            elif st.button(f"Confirmer l'import ({len(a_ecrire)} valeur(s))", type="primary", key="import_confirmer"):
                try:
                    n = ui.stockage().enregistrer_lot(qui, plan.id, a_ecrire)  # les versions vues dans l'aperçu
                except ConflitSaisie as e:
                    # Rien d'écrit ; les valeurs en conflit sont gardées (table « conflits ») : on le dit, puis
                    # l'aperçu est recalculé avec les valeurs actuelles.
                    st.session_state["import_etat"] = {"generation": etat["generation"], "conflit": (cle, str(e))}
                    st.rerun()
                except ErreurStockage as e:
                    ui.erreur_ecriture(e)
                else:
                    st.session_state["import_etat"] = {
                        "generation": etat["generation"] + 1,
                        "termine": f"Import terminé : {n} valeur(s) enregistrée(s) depuis « {ui.texte_brut(fichier.name)} ».",
                    }
                    st.rerun()

# --- Statuts manuels -------------------------------------------------------------------------
REVENIR = "(revenir au statut calculé)"
with onglet_statuts:
    st.markdown("Fixer à la main le statut d'un indicateur (par exemple « abandonné »), avec la raison. "
                "Le statut calculé reste visible dans l'historique.")
    if tous.empty:
        st.info(SANS_INDICATEUR, icon=":material/info:")
    else:
        with st.form("statut_manuel"):
            id_ind = st.selectbox("Indicateur", list(tous.index), format_func=lambda i: f"{i} — {tous.loc[i, 'libelle'][:90]}")
            statut = st.selectbox("Statut", [REVENIR, *LIBELLES_STATUTS],
                                  format_func=lambda s: s if s == REVENIR else f"{s} — {Statut.depuis(s).sens}")
            motif = st.text_input("Motif (obligatoire)")
            if st.form_submit_button("Enregistrer le statut"):
                try:
                    ui.stockage().fixer_statut(qui, plan.id, id_ind, None if statut == REVENIR else statut, motif)
                except ErreurStockage as e:
                    ui.erreur_ecriture(e)
                else:
                    st.success("Statut enregistré.")

# --- Équipements -----------------------------------------------------------------------------
with onglet_equipements:
    if not territoire.carte_et_contexte:
        st.info(f"Le tableau de bord n'a pas encore les équipements du territoire « {ui.texte_brut(territoire.nom_complet)} » : "
                "rien à corriger pour ce plan. Choisissez un autre plan dans la colonne de gauche.", icon=":material/map:")
    else:
        equipements = ui.equipements_localises()
        quartiers_geo = ui.contours("quartiers_geo")
        id_eq = st.selectbox("Équipement", list(equipements["id"]),
                             format_func=lambda i, noms=dict(zip(equipements["id"], equipements["nom"])): f"{i} — {noms[i]}",
                             key="correction_equipement")
        e = equipements.set_index("id").loc[id_eq]
        brut = ui.texte_brut
        st.markdown(
            f"**{brut(e['nom'])}** — {brut(e['categorie'])}, "
            f"{brut(e['adresse']) if isinstance(e['adresse'], str) else 'adresse non précisée'}  \n"
            f"Position : {brut(e['precision'])}"
            + (f" ({brut(e['origine_position'])})" if isinstance(e['origine_position'], str) else "")
            + f"  \n{brut(singulier_zone.capitalize())} : {brut(e['quartier']) if isinstance(e['quartier'], str) else 'non connu'}"
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
            nouveau_quartier = st.selectbox(singulier_zone.capitalize(), ["(inchangé)", *zones[1:]],
                                            key=f"correction_quartier_{id_eq}")
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
            actives = ui.stockage().corrections_annulables(id_eq)  # ni annulations, ni déjà annulées (par les champs)
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
