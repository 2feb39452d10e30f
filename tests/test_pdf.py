"""Les trois documents PDF lus par leur texte (pypdf) : titre, valeurs attendues, accents, nombre de
pages, pied de page ; et le module commun ``ctg_data.pdf`` (polices, texte échappé, cellules longues)."""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from ctg_data import pdf
from ctg_data import portrait_quartier as pq
from ctg_data import recapitulatif as recap
from ctg_data import seminaire
from ctg_data import chiffres, positions
from ctg_data.catalogue import charger
from ctg_data.plan import charger_plans
from ctg_data.stockage import Stockage
from ctg_data.suivi import statuts_indicateurs
from ctg_data.territoire import charger_territoires

EDITE_LE = dt.date(2026, 1, 15)
ACCENTS = ["é", "à", "ç", "«", "»"]
COMMENTAIRE_LONG = ("Commentaire saisi par un éditeur : la fréquentation a augmenté à la rentrée, "
                    "les familles reçues au guichet l'ont dit. ") * 8 + "FIN-DU-COMMENTAIRE"


def lire(octets: bytes) -> tuple[list[str], PdfReader]:
    """Le texte de chaque page, espaces normalisés (insécables compris, sauts de ligne comme espaces)."""
    lecteur = PdfReader(io.BytesIO(octets))
    pages = [re.sub(r"\s+", " ", (p.extract_text() or "").replace("\xa0", " ").replace("\u202f", " "))
             for p in lecteur.pages]
    return pages, lecteur


def sans_espaces(texte: str) -> str:
    return re.sub(r"\s+", "", texte)


def verifier_pied(pages: list[str], titre: str, date: str = "15/01/2026") -> None:
    """Chaque page porte « page N / M » (M = nombre réel de pages), le titre et la date d'édition."""
    for n, texte in enumerate(pages, start=1):
        assert f"page {n} / {len(pages)}" in texte, texte[-300:]
        assert f"{titre} — édité le {date}" in texte


def verifier_accents(texte: str, accents=ACCENTS) -> None:
    absents = [a for a in accents if a not in texte]
    assert not absents, f"accents perdus : {absents}"


@pytest.fixture(scope="module")
def plan_dijon():
    plans, _ = charger_plans()
    return plans["ctg-dijon-2024-2027"]


# --- Module commun ---------------------------------------------------------------------------------
def test_polices_enregistrees_une_seule_fois():
    assert pdf.enregistrer_polices() == ("Vera", "Vera-Gras")
    police = pdfmetrics.getFont("Vera")
    assert pdf.enregistrer_polices() == ("Vera", "Vera-Gras")
    assert pdfmetrics.getFont("Vera") is police  # pas réenregistrée
    assert {"Vera", "Vera-Gras"} <= set(pdfmetrics.getRegisteredFontNames())


def test_texte_jamais_lu_comme_balisage():
    piege = "<b>gras</b> & <font color='red'>rouge</font> <para> 5 < 6 &amp;"
    assert pdf.echapper(piege) == ("&lt;b&gt;gras&lt;/b&gt; &amp; &lt;font color='red'&gt;rouge&lt;/font&gt; "
                                   "&lt;para&gt; 5 &lt; 6 &amp;amp;")
    assert pdf.echapper("ligne 1\nligne 2") == "ligne 1<br/>ligne 2"
    assert pdf.echapper(None) == "" and pdf.echapper(float("nan")) == ""
    octets = pdf.MiseEnPage("Essai", edite_le=EDITE_LE).produire([pdf.paragraphe(piege, pdf.styles().texte)])
    pages, _ = lire(octets)
    assert "<b>gras</b> & <font color='red'>rouge</font> <para> 5 < 6 &amp;" in pages[0]


def test_caracteres_absents_de_la_police_remplaces():
    # Espace fine insécable (absente de Vera) -> espace insécable ; caractères de contrôle retirés.
    assert pdf.imprimable("1\u202f847\u00a0€\x00\x0b") == "1\u00a0847\u00a0€"
    assert pdf.imprimable("Grésilles → Dijon") == "Grésilles -> Dijon"
    assert pdf.imprimable("« Ça reçoit, œuvre — à l'été »") == "« Ça reçoit, œuvre — à l'été »"


def test_cellule_tres_longue_passe_a_la_ligne_sans_erreur():
    """Un commentaire de 900 caractères (et une adresse de 900 caractères sans espace) dans une colonne
    étroite : la ligne se coupe d'une page à l'autre au lieu de lever LayoutError, et rien ne se perd."""
    adresse = "https://exemple.fr/" + "a" * 880 + "/FIN-ADRESSE"
    page = pdf.MiseEnPage("Cellules longues", edite_le=EDITE_LE)
    table = pdf.tableau(["Indicateur", "Commentaire", "Source"], [["Taux d'accès", COMMENTAIRE_LONG, adresse]],
                        [40 * mm, 25 * mm, 15 * mm])
    pages, _ = lire(page.produire([table]))
    assert len(COMMENTAIRE_LONG) > 900
    assert len(pages) >= 2  # la ligne, plus haute qu'une page, est coupée
    tout = sans_espaces(" ".join(pages))
    assert "FIN-DU-COMMENTAIRE" in tout and "FIN-ADRESSE" in tout
    assert sans_espaces(COMMENTAIRE_LONG) in tout
    assert all("Commentaire" in p for p in pages)  # en-tête répété sur chaque page
    verifier_pied(pages, "Cellules longues")


def test_pied_de_page_sans_total_et_source():
    page = pdf.MiseEnPage("Document", edite_le=EDITE_LE, source="INSEE, Filosofi 2021", total_des_pages=False)
    assert page.texte_pied(2, 5) == ("Document — édité le 15/01/2026", "page 2", "Source : INSEE, Filosofi 2021")
    pages, lecteur = lire(page.produire([pdf.paragraphe("Bonjour", pdf.styles().texte)]))
    assert "page 1" in pages[0] and "page 1 /" not in pages[0]
    assert "Source : INSEE, Filosofi 2021" in pages[0]
    assert lecteur.metadata.title == "Document"


def test_fond_des_statuts_vient_du_vocabulaire():
    from ctg_data.vocabulaire import Statut

    assert pdf.fond_statut("atteint (fixé à la main)") == pdf.teinte(Statut.ATTEINT.couleur)
    assert pdf.fond_statut("") is None and pdf.fond_statut("sans indicateur") is None
    clair = pdf.teinte("#000091")
    assert min(clair.red, clair.green, clair.blue) >= 0.75  # texte noir lisible dessus


# --- Tableau récapitulatif annuel ---------------------------------------------------------------------
def test_recapitulatif_depuis_les_donnees_livrees_et_une_saisie(plan_dijon):
    magasin = Stockage()  # base temporaire (fixture automatique de conftest)
    magasin.migrer()
    magasin.creer_compte("redac", "Rédactrice", "un mot de passe assez long")
    qui = magasin.authentifier("redac", "un mot de passe assez long")
    magasin.enregistrer_valeur(qui, plan_dijon.id, "PE1-I1", "Dijon", "2025", valeur=1234,
                               commentaire="Guichet reçu « à l'accueil » <b>pas gras</b>",
                               source="Comptage du service", version_vue=0)
    tableau = recap.tableau_annuel(plan_dijon, magasin.valeurs_courantes(plan_dijon.id),
                                   magasin.statuts_manuels(plan_dijon.id), 2025)
    octets = recap.en_pdf(tableau, plan_dijon, 2025, ["CTG, Annexe 3 (000_6464dfed2d3d1a29.txt)"], edite_le=EDITE_LE)
    pages, lecteur = lire(octets)
    tout = " ".join(pages)
    assert pages[0].startswith("Tableau récapitulatif 2025 des fiches projet")
    assert lecteur.metadata.title == f"Tableau récapitulatif 2025 — {plan_dijon.titre_court}"
    assert "état d'avancement au 31 décembre 2025, édité le 15/01/2026" in pages[0]
    # La valeur saisie, avec son indicateur, son commentaire (texte brut) et sa source.
    assert "Mesurer l'impact des outils de communication" in tout
    assert "1 234" in tout and "2025 (Dijon)" in tout
    assert "Guichet reçu « à l'accueil » <b>pas gras</b>" in tout
    assert "Comptage du service" in tout
    # Toutes les fiches et tous les indicateurs du plan sont là.
    assert all(sans_espaces(f.id) in sans_espaces(tout) for f in plan_dijon.fiches)
    assert tout.count("non renseignée") >= len(plan_dijon.indicateurs()) - 1
    assert "Sources : CTG, Annexe 3 (000_6464dfed2d3d1a29.txt)" in pages[-1]
    verifier_accents(tout)
    verifier_pied(pages, f"Tableau récapitulatif 2025 — {plan_dijon.titre_court}")
    assert len(pages) >= 3  # 55 indicateurs : plusieurs pages, en-tête du tableau répété
    assert all("Indicateur" in p and "Commentaire" in p for p in pages[1:-1])


def test_recapitulatif_cas_synthetique_commentaire_long():
    plan = SimpleNamespace(titre="Plan d'essai", titre_court="Essai")
    ligne = {"Axe": "1. Façades", "Fiche": "F1 — Ça commence", "Indicateur": "Places créées", "Valeur": "12",
             "Période": "2025 (Dijon)", "Cible": "à définir", "Statut": "atteint",
             "Commentaire": COMMENTAIRE_LONG, "Source de la valeur": "Service <petite enfance>"}
    tableau = pd.DataFrame([ligne, ligne | {"Indicateur": "Places perdues", "Statut": "sans statut", "Commentaire": ""}],
                           columns=recap.COLONNES)
    pages, _ = lire(recap.en_pdf(tableau, plan, 2025, ["essai"], edite_le=EDITE_LE))
    tout = " ".join(pages)
    assert "Places créées" in tout and "Places perdues" in tout and "Service <petite enfance>" in tout
    # Le commentaire de plus de 900 caractères est entier, coupé d'une page à l'autre (en-tête répété).
    assert len(pages) == 2 and "Commentaire Source de la valeur" in pages[1]
    assert sans_espaces(tout).count("Commentairesaisiparunéditeur:") == 8 and "FIN-DU-COMMENTAIRE" in sans_espaces(tout)
    verifier_pied(pages, "Tableau récapitulatif 2025 — Essai")


# --- Portrait de quartier ----------------------------------------------------------------------------
def chiffres_du_quartier(social: pd.DataFrame, dico: pd.DataFrame, id_quartier: str) -> pd.DataFrame:
    """Dernière valeur de chaque indicateur du quartier dans les données livrées, écrite comme le portrait."""
    dico = dico.set_index("code")
    du_q = social[(social["type_zone"] == "quartier") & (social["code_zone"] == id_quartier)].dropna(subset=["valeur"])
    lignes = []
    for code, groupe in du_q.groupby("indicateur", sort=False):
        d = groupe.sort_values("annee").iloc[-1]
        lignes.append({"Indicateur": dico.loc[code, "libelle"], "Année": int(d["annee"]),
                       "Quartier": pq.texte(d, dico.loc[code, "unite"]), "Source": d["source"]})
    return pd.DataFrame(lignes)


def test_portrait_depuis_les_donnees_livrees():
    social, dico = charger("social"), charger("social_indicateurs")
    cles = chiffres_du_quartier(social, dico, "gresilles")
    pauvrete = cles.set_index("Indicateur").loc["Taux de pauvreté"]
    assert pauvrete["Quartier"][0].isdigit()  # une valeur chiffrée, pas « non disponible »
    qpv = pq.indicateurs_qpv(social, dico, "Grésilles")
    sections = [("Le quartier", "Grésilles, quartier prioritaire ; ça compte « à part »."),
                ("Contexte social, face à Dijon", cles), ("Quartier prioritaire Grésilles", qpv)]
    octets = pq.en_pdf("Portrait de quartier — Grésilles", sections, ["INSEE (Filosofi)", "CNAF"], edite_le=EDITE_LE)
    pages, lecteur = lire(octets)
    tout = " ".join(pages)
    assert pages[0].startswith("Portrait de quartier — Grésilles")
    assert lecteur.metadata.title == "Portrait de quartier — Grésilles"
    assert "Édité le 15/01/2026 à partir du tableau de bord" in pages[0]
    assert "Contexte social, face à Dijon" in tout and "Taux de pauvreté" in tout
    assert pauvrete["Quartier"].replace("\xa0", " ") in tout  # le chiffre du quartier, tel qu'affiché
    # Chaque valeur entière, même dans une colonne étroite (« 2 553 allocataires », pas « alloc ataires »).
    for valeur in cles["Quartier"]:
        assert valeur.replace("\xa0", " ") in tout
    assert sans_espaces(str(pauvrete["Source"])) in sans_espaces(tout)
    assert not qpv.empty and all(sans_espaces(i) in sans_espaces(tout) for i in qpv["Indicateur"])
    assert "Sources : INSEE (Filosofi) ; CNAF" in pages[-1]
    verifier_accents(tout)
    verifier_pied(pages, "Portrait de quartier — Grésilles")


def test_portrait_cas_synthetique_une_page():
    equipements = pd.DataFrame({"Nom": ["Crèche « Les Écureuils »", "Ludothèque <Ça joue>"],
                                "Catégorie": ["EAJE", "Ludothèque"], "Adresse": [None, "1 rue de la Façade"]})
    sections = [("Équipements et services", equipements), ("Vide", pd.DataFrame(columns=["Nom"])),
                ("Fiches de la CTG", "- PE1 — Accompagner l'enfant\n- PE2 — Garantir l'accès")]
    pages, _ = lire(pq.en_pdf("Portrait de quartier — Essai", sections, ["essai"], edite_le=EDITE_LE))
    tout = pages[0]
    assert len(pages) == 1
    assert "Crèche « Les Écureuils »" in tout and "Ludothèque <Ça joue>" in tout and "1 rue de la Façade" in tout
    assert "None" not in tout and "nan" not in tout  # cellule vide, pas « None »
    assert "Aucune donnée." in tout
    assert "- PE1 — Accompagner l'enfant" in tout and "- PE2 — Garantir l'accès" in tout
    verifier_pied(pages, "Portrait de quartier — Essai")


# --- Diaporama du séminaire --------------------------------------------------------------------------
def test_diaporama_depuis_les_donnees_livrees(plan_dijon):
    """Le diaporama livré (``data/seminaire.yaml``, plan de Dijon), construit comme la page du séminaire
    le construit : une diapositive par page, chacune avec son titre et ses points."""
    territoire = charger_territoires()[0][plan_dijon.territoire]
    ref = chiffres.reference(territoire, charger(territoire.portrait.jeu) if territoire.portrait else None,
                             charger("social"), charger("social_indicateurs"))
    equipements = positions.avec_corrections(charger("equipements"), charger("equipements_positions"), None)
    statuts = statuts_indicateurs(plan_dijon.indicateurs(), pd.DataFrame(columns=["indicateur"]), pd.DataFrame())
    deck = seminaire.charger_deck()
    diapos = seminaire.construire(deck, plan_dijon, statuts, chiffres.cartes_chiffres_cles(ref, territoire),
                                  charger("quartiers"), equipements, charger("social"), territoire)
    titre = f"{deck.get('titre')} — {plan_dijon.titre_court}"
    pages, lecteur = lire(seminaire.en_pdf(diapos, titre, edite_le=EDITE_LE))
    assert len(pages) == len(diapos) == len(lecteur.pages)  # une diapositive par page
    assert lecteur.metadata.title == titre
    # Première page : titre du séminaire et titre du plan.
    assert pages[0].startswith(deck["titre"])
    assert sans_espaces(plan_dijon.titre) in sans_espaces(pages[0])
    # Chaque diapositive sur sa page, dans l'ordre.
    for d, texte in zip(diapos, pages):
        assert texte.startswith(d.titre[:30]), (d.titre, texte[:80])
    page_chiffres = pages[[d.type for d in diapos].index("chiffres_cles")]
    assert page_chiffres.startswith("Le territoire en quelques chiffres")
    assert sans_espaces(diapos[[d.type for d in diapos].index("chiffres_cles")].points[0]) in sans_espaces(page_chiffres)
    # Les quartiers comparés sur une page : chaque case du tableau et chaque point y sont.
    rang = [d.type for d in diapos].index("quartiers")
    assert pages[rang].startswith("Les 9 quartiers comparés")
    cases = [str(v) for v in diapos[rang].tableau.to_numpy().ravel()]
    assert "Grésilles *" in cases and all(sans_espaces(c) in sans_espaces(pages[rang]) for c in cases)
    assert diapos[rang].points and all(sans_espaces(p) in sans_espaces(pages[rang]) for p in diapos[rang].points)
    verifier_accents(" ".join(pages), ["é", "à", "«", "»", "ô"])  # pas de « ç » dans le diaporama livré
    verifier_pied(pages, titre)


def test_diaporama_synthetique_diapositive_trop_remplie_tient_sur_sa_page():
    diapos = [
        seminaire.Diapositive("titre", "Séminaire « à Dijon »", "Plan d'essai", ["Ça commence"]),
        seminaire.Diapositive("axe", "Axe 1 — <b>Façades</b>", "Statut des fiches",
                              [f"Fiche {i} — un libellé assez long pour occuper sa ligne : en cours" for i in range(40)],
                              "Essai"),
        seminaire.Diapositive("carte", "Les équipements", source="IGN"),
    ]
    pages, _ = lire(seminaire.en_pdf(diapos, "Essai", edite_le=EDITE_LE))
    assert len(pages) == 3
    assert pages[0].startswith("Séminaire « à Dijon »") and "Ça commence" in pages[0]
    assert pages[1].startswith("Axe 1 — <b>Façades</b>") and "Fiche 39 —" in pages[1]  # réduite, pas coupée
    assert "La carte interactive est présentée en séance" in pages[2] and "Source : IGN" in pages[2]
    verifier_accents(" ".join(pages))
    verifier_pied(pages, "Essai")
