// Observateur du banc d'essai bench/navigateur_bench.py, injecté au début de chaque page (cadre
// principal seulement). Il ne change rien à la page : il la regarde.
//
// - Il note l'instant de chaque demande d'exécution envoyée au serveur (BackMsg.rerun_script) et de
//   chaque fin d'exécution reçue (ForwardMsg.script_finished) sur la liaison WebSocket de Streamlit.
// - Toutes les 20 ms, il résume l'état de la page en une « signature » : état du script (attribut
//   data-test-script-state de stApp), indicateur d'exécution, éléments périmés (data-stale),
//   squelettes de chargement, nombre d'éléments, et pour chaque carte (cadre st_folium) : Leaflet
//   chargé, nombre de couches dessinées, cadrage (zoom, centre), animation en cours ; pour chaque
//   graphique altair : son canvas ou svg dessiné ; pour chaque tableau : son canvas.
// - Il retient l'instant où la signature actuelle est apparue : si elle dit « terminé » et ne bouge
//   plus pendant la fenêtre de calme, la page est entièrement dessinée depuis cet instant.
// - Il note les tâches longues (plus de 50 ms) du navigateur.
(() => {
  if (window.top !== window || window.__banc) return;
  const B = (window.__banc = {
    longues: [], sig: "", tSig: 0, complet: false, detail: null, t0: 0, arme: false,
  });

  // Numéros des champs protobuf de Streamlit 1.67 (streamlit/proto) : ForwardMsg.script_finished = 6,
  // BackMsg.rerun_script = 11. Seuls les champs du premier niveau sont lus (les autres sont sautés).
  const FIN_D_EXECUTION = 6, DEMANDE_D_EXECUTION = 11;
  B.demandes = []; B.fins = [];
  const champs = (d) => {
    const vus = new Set();
    if (!(d instanceof ArrayBuffer)) return vus;
    const o = new Uint8Array(d);
    let i = 0;
    const varint = () => {
      let r = 0, m = 1, b;
      do { b = o[i++]; r += (b & 0x7f) * m; m *= 128; } while (b & 0x80 && i < o.length);
      return r;
    };
    while (i < o.length) {
      const cle = varint(), type = cle & 7;
      vus.add(Math.floor(cle / 8));
      if (type === 0) varint(); else if (type === 1) i += 8; else if (type === 2) i += varint();
      else if (type === 5) i += 4; else break;
    }
    return vus;
  };
  const WS = window.WebSocket;
  class WebSocketObserve extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (champs(e.data).has(FIN_D_EXECUTION)) B.fins.push(performance.now());
      });
    }
    send(donnees) {
      const t = performance.now();
      if (champs(donnees instanceof Uint8Array ? donnees.slice().buffer : donnees).has(DEMANDE_D_EXECUTION)) B.demandes.push(t);
      return super.send(donnees);
    }
  }
  window.WebSocket = WebSocketObserve;

  try {
    new PerformanceObserver((liste) => {
      for (const e of liste.getEntries()) B.longues.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { /* tâches longues non disponibles : rien à noter */ }

  // Début d'un changement de quartier : le premier appui (pointerdown) après « armement ».
  document.addEventListener("pointerdown", () => {
    if (B.arme) { B.t0 = performance.now(); B.arme = false; }
  }, true);

  const dessine = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // Visible : ni caché, ni dans un volet replié (<details> fermé), ni dans un onglet non choisi.
  const visible = (el) => dessine(el) &&
    (!el.checkVisibility || el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true }));

  function etatCarte(cadre) {
    let doc, win;
    try { doc = cadre.contentDocument; win = cadre.contentWindow; } catch (e) { return { pret: false, sig: "inaccessible" }; }
    if (!doc || !win) return { pret: false, sig: "vide" };
    const conteneur = doc.querySelector(".leaflet-container");
    if (!conteneur) return { pret: false, sig: "sans-leaflet:" + doc.readyState };
    const couches = doc.querySelectorAll(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas, .leaflet-marker-icon").length;
    const anime = !!doc.querySelector(".leaflet-zoom-anim, .leaflet-pan-anim");
    let vue = "";
    const carte = win.map;
    if (carte && typeof carte.getZoom === "function") {
      try {
        const c = carte.getCenter();
        vue = carte.getZoom() + "@" + c.lat.toFixed(4) + "," + c.lng.toFixed(4);
      } catch (e) { vue = "?"; }
    }
    return { pret: couches > 0 && !anime && doc.readyState === "complete", sig: couches + "|" + vue + "|" + anime };
  }

  function releve() {
    const app = document.querySelector("[data-testid='stApp']");
    const script = app ? app.getAttribute("data-test-script-state") : "absent";
    const statut = document.querySelectorAll("[data-testid='stStatusWidget']").length;
    const perimes = document.querySelectorAll("[data-stale='true']").length;
    const squelettes = document.querySelectorAll("[data-testid='stSkeleton']").length;
    const elements = document.querySelectorAll("[data-testid='stElementContainer']").length;
    const cartes = [...document.querySelectorAll("iframe[title*='st_folium']")].filter(visible).map(etatCarte);
    // Un graphique ou un tableau caché (volet replié, onglet non choisi) n'a rien à dessiner.
    const graphiques = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].filter(visible).map(
      (g) => [...g.querySelectorAll("canvas, svg.marks")].some(dessine));
    const tableaux = [...document.querySelectorAll("[data-testid='stDataFrame']")].filter(visible).map(
      (t) => [...t.querySelectorAll("canvas")].some(dessine));
    const autresCadres = [...document.querySelectorAll("iframe:not([title*='st_folium'])")].map((c) => {
      try { return c.contentDocument ? c.contentDocument.readyState === "complete" : true; } catch (e) { return true; }
    });
    const complet = script === "notRunning" && statut === 0 && perimes === 0 && squelettes === 0 && elements > 0 &&
      cartes.every((c) => c.pret) && graphiques.every(Boolean) && tableaux.every(Boolean) && autresCadres.every(Boolean);
    const sig = [script, statut, perimes, squelettes, elements, cartes.map((c) => c.sig).join(";"),
      graphiques.join(""), tableaux.join(""), autresCadres.join("")].join(" / ");
    return { complet, sig, detail: { script, statut, perimes, squelettes, elements, cartes: cartes.length,
      graphiques: graphiques.length, tableaux: tableaux.length, cadres: autresCadres.length,
      etat_cartes: cartes, etat_graphiques: graphiques, etat_tableaux: tableaux, etat_cadres: autresCadres } };
  }

  // Le nombre de fins d'exécution reçues fait partie de la signature : une exécution très courte, qui
  // ne change rien d'autre à la page (page triviale), la change tout de même.
  function tic() {
    const r = releve();
    const apres = (t) => t >= B.t0;
    const fins = B.fins.filter(apres), demandes = B.demandes.filter(apres);
    // Terminé : au moins une exécution finie depuis le début de la mesure, et aucune demandée après
    // la dernière (une carte qui renvoie sa valeur relance le script : on attend aussi celle-là).
    const executee = fins.length > 0 && !(demandes.length && demandes[demandes.length - 1] > fins[fins.length - 1]);
    const sig = fins.length + "/" + demandes.length + " # " + r.sig;
    if (sig !== B.sig) { B.sig = sig; B.tSig = performance.now(); }
    B.complet = r.complet && executee;
    B.detail = r.detail;
  }
  setInterval(tic, 20);

  // Vrai si la page est complète et n'a pas bougé depuis ``calme`` ms (appelé par le banc).
  B.termine = (calme) => B.complet && B.tSig > B.t0 && performance.now() - B.tSig >= calme;

  // Début d'une nouvelle mesure (changement de quartier) : messages et tâches oubliés.
  B.armer = () => { B.longues = []; B.demandes = []; B.fins = []; B.arme = true; B.t0 = Infinity; };

  // Marque posée dans chaque cadre avant un changement : un cadre sans marque ensuite a été rechargé.
  B.marquer = () => {
    for (const c of document.querySelectorAll("iframe")) {
      try { c.contentWindow.__banc_marque = 1; } catch (e) { /* cadre d'une autre origine */ }
    }
  };
  B.recharges = () => {
    let n = 0, total = 0;
    for (const c of document.querySelectorAll("iframe")) {
      total += 1;
      try { if (c.contentWindow.__banc_marque !== 1) n += 1; } catch (e) { /* idem */ }
    }
    return [n, total];
  };

})();
