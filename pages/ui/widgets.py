"""Éléments d'interface partagés : téléchargements, tableaux à la place des graphiques, badges de
statut, graphiques altair, géocodage avec barre de progression, valeur affichée dans la saisie."""

from __future__ import annotations

import html
import logging
import pickle
import re
import sys

import pandas as pd
import streamlit as st

from ctg_data import catalogue as cat
from ctg_data import exports
from ctg_data.erreurs import ErreurDonnees
from ctg_data.vocabulaire import Statut

# La valeur affichée dans la saisie est calculée dans le cœur (une seule façon d'écrire une valeur).
from ctg_data.vues_plan import valeur_actuelle  # noqa: F401  (réexportée : ``ui.valeur_actuelle``)


# Chaque signe qui a un sens en Markdown (GitHub) ou pour Streamlit : liens et images ([…](…), ![…](…),
# adresses reconnues seules : « http: », « www. », « nom@domaine »), emphase, titres (#, ===), listes,
# citations, tableaux, code, HTML et entités (&…;), directives de Streamlit (:material/…:, :red[…],
# $…$ pour LaTeX). Les apostrophes, guillemets, virgules… n'en ont pas : ils restent tels quels.
SPECIAUX_MARKDOWN = "\\`*_{}[]()#+-.!|<>~$:=&@^"
_SPECIAUX_MARKDOWN = str.maketrans({c: "\\" + c for c in SPECIAUX_MARKDOWN})


# Les adresses écrites seules (« http://… », « www.… », « nom@domaine ») deviennent des liens même
# échappées : Streamlit (GitHub Markdown) les reconnaît dans le texte APRÈS avoir lu les échappements.
# Un « gluon » invisible (U+2060, WORD JOINER) placé dedans suffit à ce qu'elles restent du texte.
GLUON = "\u2060"
_ADRESSE_SEULE = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def _sans_lien_automatique(texte: str) -> str:
    return _ADRESSE_SEULE.sub(GLUON, texte)


def texte_brut(texte) -> str:
    """Un texte saisi par quelqu'un, lu dans l'adresse ou dans un fichier de données, rendu inoffensif
    pour tout ce que Streamlit lit comme du Markdown (st.markdown, st.caption, messages, libellés,
    titres de volets, aides) : chaque signe qui a un sens en Markdown est échappé, et une adresse écrite
    seule reçoit un gluon invisible (``GLUON``) ; le texte s'affiche tel quel, sans lien, sans image
    (aucune requête vers un autre site), sans mise en forme."""
    return _sans_lien_automatique(str(texte)).translate(_SPECIAUX_MARKDOWN)


_SPECIAUX_EN_LIGNE = str.maketrans({c: "\\" + c for c in SPECIAUX_MARKDOWN if c not in "-+"}
                                   | {"\r": " ", "\n": " "})


def nom_brut(texte) -> str:
    """Un nom ou un titre venu des données ou d'une saisie, inséré dans UNE ligne (titre de page, libellé,
    titre de volet, légende) : échappé comme ``texte_brut``, sauf ``-`` et ``+`` (ils ne comptent en
    Markdown qu'en début de ligne, et « CTG Dijon 2024-2027 » reste lisible tel quel dans le code de la
    page) ; les sauts de ligne deviennent des espaces. Ni lien (adresses écrites seules comprises), ni
    image, ni mise en forme."""
    return _sans_lien_automatique(str(texte)).translate(_SPECIAUX_EN_LIGNE)


def echapper(texte) -> str:
    """Un texte inséré dans du HTML (st.markdown avec unsafe_allow_html) : ``<``, ``>``, ``&`` et les
    guillemets échappés (``html.escape``), et les sauts de ligne remplacés par ``<br>`` : le texte reste
    dans le bloc HTML, où Markdown ne lit rien (une ligne vide terminerait le bloc, et la suite serait
    lue comme du Markdown : lien, image…). Le navigateur affiche le texte tel quel."""
    return re.sub(r"\r\n|\r|\n", "<br>", html.escape(str(texte)))


JOURNAL = logging.getLogger("ctg.pages")
MESSAGE_ERREUR_INATTENDUE = (
    "Une erreur inattendue a empêché d'afficher cette page. Réessayez ; si l'erreur persiste, prévenez "
    "l'administrateur : le détail est dans le journal du serveur."
)


def _journal() -> logging.Logger:
    """Le journal des erreurs des pages : sur la sortie d'erreur du serveur, avec la date, sauf si
    l'application a déjà configuré la journalisation (ou pendant les tests)."""
    if not JOURNAL.handlers and not logging.getLogger().handlers:
        sortie = logging.StreamHandler(sys.stderr)
        sortie.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
        JOURNAL.addHandler(sortie)
    return JOURNAL


def erreur_inattendue(page: str) -> None:
    """À appeler dans un ``except Exception`` : la pile d'appels va dans le journal du serveur, la
    personne lit un message en français, sans aucun détail technique (ni type, ni pile, ni SQL)."""
    _journal().exception("Erreur inattendue dans la page « %s »", page)
    st.error(MESSAGE_ERREUR_INATTENDUE, icon=":material/error:")


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
    """Deux boutons : CSV (pour tableur français) et Excel (avec une feuille « Source »), écrits pour un
    lecteur (``exports.csv_pour_tableur`` / ``xlsx_pour_tableur`` : en-têtes en français, sources en mots,
    références techniques dans la dernière colonne « Détail de la source (fichier, ligne) »). Les fichiers
    ne sont produits qu'au clic (pas à chaque affichage de la page). Le modèle d'import de la saisie, relu
    par l'import, garde ses en-têtes techniques : il ne passe pas par ici (pages/vues/saisie.py)."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Télécharger en CSV",
        lambda: exports.csv_pour_tableur(df),
        file_name=f"{nom_fichier}.csv",
        mime="text/csv",
        key=f"csv-{cle or nom_fichier}",
        help="Séparateur point-virgule, virgule décimale : s'ouvre directement dans un tableur en français.",
        icon=":material/download:",
    )
    c2.download_button(
        "Télécharger en Excel",
        lambda: exports.xlsx_pour_tableur(df, jeu=jeu),
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


THEME_ALTAIR = "ctg_francais"


def altair():
    """Le module altair, sans validation de chaque objet à sa création (« mode debug ») : le graphique
    entier reste validé une fois, quand Streamlit le convertit. Plusieurs ms gagnées par graphique.
    Le thème ``THEME_ALTAIR`` est activé : chaque graphique porte ``config.locale`` (nombres à la
    française : 20 000 ; 12,5 ; ``format.locale_vega``), sans rien d'autre (pas de largeur ni de hauteur
    imposées : Streamlit garde les siennes)."""
    import altair as alt
    from altair.utils import schemapi

    from ctg_data.format import locale_vega

    schemapi.disable_debug_mode()
    if alt.theme.active != THEME_ALTAIR:
        if THEME_ALTAIR not in alt.theme.names():
            alt.theme.register(THEME_ALTAIR, enable=False)(lambda: {"config": {"locale": locale_vega()}})
        alt.theme.enable(THEME_ALTAIR)
    return alt



def spec_graphique(graphique) -> dict:
    """La spécification Vega-Lite d'un graphique altair, telle que ``st.altair_chart`` l'enverrait (même
    conversion, schéma validé, données comprises, déjà en Arrow) : le schéma n'est validé qu'ici (plusieurs
    ms par graphique). À garder en cache avec ce dont dépend le graphique, puis à afficher à chaque exécution
    par ``afficher_spec``. L'objet rendu est partagé : personne ne le modifie (``afficher_spec`` en passe une
    copie)."""
    try:  # la conversion de st.altair_chart elle-même (jeux de données déjà au format Arrow)
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec as convertir
    except ImportError:  # une autre version de Streamlit : la conversion d'altair, données dans la spécification
        return graphique.to_dict()
    return convertir(graphique)


def copie_spec(spec: dict) -> dict:
    """Une copie entière d'une spécification partagée (``spec_graphique``), que Streamlit peut modifier :
    il retire les données du dict et corrige des titres de légende imbriqués. Copie par pickle, plusieurs
    fois plus rapide que ``copy.deepcopy`` pour un dict de cette taille."""
    return pickle.loads(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))


def afficher_spec(spec: dict, **options):
    """Affiche une spécification préparée par ``spec_graphique`` (mêmes options que ``st.altair_chart`` :
    ``width``, ``theme``, ``key``…) ; le même élément que ``st.altair_chart`` sur le graphique d'origine.
    ``spec`` est partagé : une copie part (``copie_spec``)."""
    return st.vega_lite_chart(spec=copie_spec(spec), **options)


def tableau_arrow(df):
    """Le tableau converti comme le convertit ``st.dataframe`` (même conversion, celle de Streamlit, même
    message envoyé), une fois pour toutes : une table Arrow, non modifiable, à garder en cache, que
    ``st.dataframe`` envoie sans la reconvertir (la conversion coûte plusieurs ms par tableau). Le tableau
    tel quel si cette conversion interne de Streamlit n'est pas disponible ou échoue (la conversion se fera
    alors à l'affichage, comme avant)."""
    try:
        from streamlit import dataframe_util

        return dataframe_util.convert_pandas_df_to_arrow_table(df)
    except Exception:  # autre version de Streamlit
        return df
