// Un vrai fournisseur OpenID Connect (paquet npm oidc-provider), pour le test de la connexion par
// st.login (tests/test_oidc.py). Écoute sur la boucle locale seulement.
//
//   node fournisseur.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Connexion par les écrans de démonstration d'oidc-provider (« devInteractions ») : l'identifiant
// saisi devient l'adresse électronique de la personne (revendication « email »), le nom est fixe.
// Écrit « pret » sur la sortie standard quand il répond.
import { createRequire } from 'node:module';
import path from 'node:path';

const [port, clientId, clientSecret, redirectUri, dossierModules] = process.argv.slice(2);
const require = createRequire(path.join(dossierModules, 'x.js'));
const { default: Provider } = await import(require.resolve('oidc-provider'));

const issuer = `http://127.0.0.1:${port}`;
const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [new URL(redirectUri).origin + '/'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: 'Agente OIDC' };
      },
    };
  },
  // Les revendications demandées (adresse, nom) dans le jeton d'identité lui-même : Streamlit ne lit que lui.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['cle-de-test-du-fournisseur-oidc'] },
};

const fournisseur = new Provider(issuer, configuration);
fournisseur.on('server_error', (ctx, err) => console.error('server_error', err));
fournisseur.listen(Number(port), '127.0.0.1', () => console.log('pret'));
