"""Mode séminaire dans un vrai navigateur, en 1920×1080 comme un vidéoprojecteur (et en 1366×768) :
tout le diaporama au clavier, après un clic dans la carte ; chaque diapositive tient à l'écran, titre
entier, texte d'au moins 32 px et sources d'au moins 20 px ; la diapositive est dans l'adresse."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import RESULTATS
from tests.test_plans_et_seminaire import GEVREY, construire_diaporama

pytestmark = pytest.mark.navigateur

CARTE = 'iframe[title="streamlit_folium.st_folium"]'

# Ce que le navigateur mesure sur la diapositive affichée. Texte : chaque élément visible qui porte du
# texte, hors commandes (boutons, compteur) et volets « en tableau » ; une source (classe diapo-source)
# doit faire 20 px au moins, tout autre texte 32 px. Les graphiques (Vega) sont vérifiés par leur
# description (tests/test_plans_et_seminaire.py : police de 32 px, libellés jamais coupés).
MESURES = """() => {
    const m = document.querySelector('[data-testid="stMain"]');
    const bloc = document.querySelector('[data-testid="stMainBlockContainer"]');
    const visibles = (sel) => [...m.querySelectorAll(sel)].filter(e => e.offsetParent !== null);
    const textes = visibles('h1, h2, p, li, td, th, span, div, b, strong')
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => !e.closest('.st-key-diapo-commandes, [data-testid="stExpander"]'));
    const tailles = textes.map(e => ({texte: e.innerText.trim().slice(0, 40), px: parseFloat(getComputedStyle(e).fontSize),
                                      source: !!e.closest('.diapo-source')}));
    const r = (e) => e.getBoundingClientRect();
    const dehors = visibles('h1, p, li, table, iframe, svg, canvas, [data-testid="stVegaLiteChart"], [data-testid="stExpander"]')
        .filter(e => r(e).width > 0)
        .filter(e => r(e).bottom > innerHeight + 1 || r(e).right > innerWidth + 1 || r(e).left < -1 || r(e).top < -1)
        .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 30));
    const titres = visibles('h1');
    return {
        titre: titres.map(h => h.innerText.trim()).join(' | '),
        titre_coupe: titres.some(h => h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1
            || getComputedStyle(h).textOverflow === 'ellipsis' && h.scrollWidth > h.clientWidth),
        trop_petits: tailles.filter(t => t.px < (t.source ? 20 : 32)),
        corps: tailles.filter(t => !t.source).length, sources: tailles.filter(t => t.source).length,
        dehors,
        deborde: bloc.scrollHeight > 1080 + 1 || bloc.scrollWidth > 1920 + 1,
        barre: document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1
            || m.scrollHeight > m.clientHeight + 1,
    };
}"""


@pytest.fixture(scope="module")
def diapos():
    return construire_diaporama("ctg-dijon-2024-2027")[1]


def onglet(navigateur, largeur=1920, hauteur=1080):
    contexte = navigateur.new_context(viewport={"width": largeur, "height": hauteur}, locale="fr-FR")
    page = contexte.new_page()
    page.set_default_timeout(60_000)
    return contexte, page


def numero_dans_l_adresse(page) -> int:
    return int(parse_qs(urlparse(page.url).query)["diapo"][0])


def attendre(page, k: int, n: int, d) -> None:
    """La diapositive k (``d``) est affichée en entier : compteur, calcul fini, graphique ou carte dessinés."""
    expect(page.get_by_test_id("stMain").get_by_text(f"{k} / {n}", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.locator("[data-stale='true']")).to_have_count(0)
    expect(page.get_by_role("heading", name=d.titre, level=1)).to_be_visible()
    if d.graphique is not None:
        page.locator("[data-testid='stVegaLiteChart'] svg.marks, [data-testid='stVegaLiteChart'] canvas.marks").first.wait_for()
    if d.type == "carte":
        page.frame_locator(CARTE).locator(".leaflet-marker-icon").first.wait_for()
    page.wait_for_timeout(300)


def verifier(page, k: int, d, largeur: int, tailles: bool = True, nom: str = "seminaire") -> None:
    assert page.get_by_test_id("stException").count() == 0
    mesures = page.evaluate(MESURES)
    assert mesures["titre"] == d.titre, (k, mesures["titre"])
    assert not mesures["titre_coupe"], (k, d.titre)
    assert mesures["dehors"] == [] and not mesures["deborde"] and not mesures["barre"], (k, d.titre, mesures)
    if tailles:
        assert mesures["trop_petits"] == [] and mesures["corps"] > 0, (k, d.titre, mesures["trop_petits"])
    RESULTATS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTATS / f"{nom}-{largeur}-{k:02d}.png"))


def test_tout_le_diaporama_au_clavier_apres_un_clic_sur_la_carte(navigateur, serveur_app, diapos):
    """1920×1080 : on ouvre la carte, on clique dedans (le focus est dans son cadre), puis Page précédente
    jusqu'à la première diapositive et flèche droite / Page suivante jusqu'à la dernière ; chaque
    diapositive est vérifiée (adresse, titre entier, rien hors de l'écran ni barre de défilement, tailles
    du texte) ; un rechargement garde la diapositive."""
    contexte, page = onglet(navigateur)
    try:
        n = len(diapos)
        carte = [d.type for d in diapos].index("carte") + 1
        page.goto(f"{serveur_app}/seminaire?diapo={carte}")
        page.wait_for_function("() => document.ctgClavier === true")
        attendre(page, carte, n, diapos[carte - 1])
        expect(page.get_by_role("heading", name=diapos[carte - 1].titre, level=1)).to_be_visible()
        page.wait_for_timeout(1500)  # le script écoute les cadres toutes les 0,4 s
        for _ in range(3):  # la carte peut encore se recadrer au premier clic : on clique de nouveau
            boite = page.locator(CARTE).bounding_box()
            page.mouse.click(boite["x"] + boite["width"] * 0.3, boite["y"] + boite["height"] * 0.8)
            page.wait_for_timeout(300)
            if page.evaluate("() => document.activeElement && document.activeElement.tagName") == "IFRAME":
                break
        assert page.evaluate("() => document.activeElement && document.activeElement.tagName") == "IFRAME"
        verifier(page, carte, diapos[carte - 1], 1920)
        # Vers le début, Page précédente (la télécommande), puis vers la fin, flèche droite et Page suivante.
        for k in range(carte - 1, 0, -1):
            page.keyboard.press("PageUp" if k % 2 else "ArrowLeft")
            attendre(page, k, n, diapos[k - 1])
            assert numero_dans_l_adresse(page) == k
            verifier(page, k, diapos[k - 1], 1920)
        for k in range(2, n + 1):
            page.keyboard.press("ArrowRight" if k % 2 else "PageDown")
            attendre(page, k, n, diapos[k - 1])
            assert numero_dans_l_adresse(page) == k
            if k > carte:
                verifier(page, k, diapos[k - 1], 1920)
        page.keyboard.press("ArrowRight")  # après la dernière : on y reste
        page.wait_for_timeout(500)
        expect(page.get_by_test_id("stMain").get_by_text(f"{n} / {n}", exact=True)).to_be_visible()
        # Rechargement : la même diapositive (un graphique).
        rang = [d.type for d in diapos].index("avancement") + 1
        page.goto(f"{serveur_app}/seminaire?diapo={rang}")
        attendre(page, rang, n, diapos[rang - 1])
        page.reload()
        attendre(page, rang, n, diapos[rang - 1])
        assert numero_dans_l_adresse(page) == rang
        expect(page.get_by_role("heading", name=diapos[rang - 1].titre, level=1)).to_be_visible()
        # Numéro hors du diaporama : la dernière, et l'adresse le dit.
        page.goto(f"{serveur_app}/seminaire?diapo=999")
        expect(page.get_by_test_id("stMain").get_by_text(f"{n} / {n}", exact=True)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"diapo={n}\b"))
    finally:
        contexte.close()


def test_diaporama_en_1366(navigateur, serveur_app, diapos):
    """1366×768 : la même diapositive réduite d'un bloc ; chacune tient entière à l'écran, commandes
    comprises et non coupées."""
    contexte, page = onglet(navigateur, 1366, 768)
    try:
        n = len(diapos)
        for k, d in enumerate(diapos, start=1):
            page.goto(f"{serveur_app}/seminaire?diapo={k}")
            attendre(page, k, n, d)
            verifier(page, k, d, 1366, tailles=False)
            if k == 2:
                for nom in ("◀ Précédente", "Suivante ▶", "Exporter en PDF"):
                    bouton = page.get_by_role("button", name=nom)
                    expect(bouton).to_be_visible()
                    assert bouton.evaluate("b => [...b.querySelectorAll('p')].every(p => p.scrollWidth <= p.clientWidth + 1)"
                                           " && b.scrollWidth <= b.clientWidth + 1"), nom
    finally:
        contexte.close()


def test_gevrey_sans_diapositive_vide(navigateur, serveur_app):
    """Gevrey-Nuits : seules les diapositives qui ont des données ; le titre dit ce qui manque."""
    plan, diapos_gevrey = construire_diaporama(GEVREY)
    contexte, page = onglet(navigateur)
    try:
        n = len(diapos_gevrey)
        page.goto(f"{serveur_app}/seminaire?plan={GEVREY}&diapo=1")
        attendre(page, 1, n, diapos_gevrey[0])
        expect(page.get_by_text(re.compile("^Sans valeur ni données pour ce territoire"))).to_be_visible()
        verifier(page, 1, diapos_gevrey[0], 1920, nom="seminaire-gevrey")
        page.goto(f"{serveur_app}/seminaire?plan={GEVREY}&diapo=4")
        attendre(page, 4, n, diapos_gevrey[3])
        verifier(page, 4, diapos_gevrey[3], 1920, nom="seminaire-gevrey")
        # Le graphique en tableau : le volet ouvert, la page défile pour le lire en entier.
        page.get_by_text("Le graphique en tableau").click()
        tableau = page.get_by_test_id("stExpander").get_by_test_id("stDataFrame")
        tableau.scroll_into_view_if_needed()
        expect(tableau).to_be_in_viewport()
    finally:
        contexte.close()
