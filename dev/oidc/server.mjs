// Development OpenID Provider for AuditPortal, built on the certified `oidc-provider` (v9).
// Not for production: accounts and the client secret are public, keys are generated at start.
//
// Environment:
//   PORTAL_OIDC_PORT             port to listen on (default 5090); the issuer is http://127.0.0.1:<port>
//   PORTAL_OIDC_ISSUER           override the issuer URL entirely (default http://127.0.0.1:<port>)
//   PORTAL_OIDC_CLIENT_SECRET    secret of client `auditportal` (default auditportal-dev-secret)
//   PORTAL_OIDC_PORTAL_URL       the portal's base URL (default http://127.0.0.1:5080)
//   PORTAL_OIDC_EXTRA_REDIRECTS  comma-separated extra portal base URLs (e.g. http://127.0.0.1:43123)
//                                or full callback URLs, for tests on other ports
//   PORTAL_OIDC_ACCOUNTS         path of the accounts file (default accounts.json beside this file)
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.PORTAL_OIDC_PORT ?? 5090);
const issuer = env.PORTAL_OIDC_ISSUER ?? `http://127.0.0.1:${port}`;
const clientSecret = env.PORTAL_OIDC_CLIENT_SECRET ?? 'auditportal-dev-secret';
const accountsPath = env.PORTAL_OIDC_ACCOUNTS ?? fileURLToPath(new URL('./accounts.json', import.meta.url));

const accounts = new Map(JSON.parse(readFileSync(accountsPath, 'utf8')).accounts.map((a) => [a.username, a]));

// Exact redirect URIs only (oidc-provider allows nothing else): the portal's, plus any test ports.
const redirectUris = new Set();
const postLogoutUris = new Set();
for (const entry of [env.PORTAL_OIDC_PORTAL_URL ?? 'http://127.0.0.1:5080', ...(env.PORTAL_OIDC_EXTRA_REDIRECTS ?? '').split(',')]) {
  const value = entry.trim();
  if (!value) continue;
  const url = new URL(value);
  const hasPath = url.pathname !== '/' && url.pathname !== '';
  redirectUris.add(hasPath ? url.href : `${url.origin}/signin-oidc`);
  postLogoutUris.add(`${url.origin}/signout-callback-oidc`); // the portal's SignedOutCallbackPath
}

// A fresh signing key per start: the portal must pick it up through JWKS refresh (key rotation).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [{
    client_id: 'auditportal',
    client_secret: clientSecret,
    redirect_uris: [...redirectUris],
    post_logout_redirect_uris: [...postLogoutUris],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: [env.PORTAL_OIDC_COOKIE_KEY ?? randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    roles: ['roles'],
  },
  // Put the scope's claims (name, roles, ...) into the id_token itself, not only at userinfo.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false }, // replaced below by a login form that checks the password
    rpInitiatedLogout: {
      enabled: true,
      // Plain pages instead of the defaults, which load a web font from the internet.
      async logoutSource(ctx, form) {
        ctx.body = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head><body>'
          + `<h1>Sign out of the development provider?</h1>${form}`
          + '<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button> '
          + '<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>';
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>Signed out</h1></body></html>';
      },
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, name: account.name, preferred_username: account.username, roles: [...account.roles] };
      },
    };
  },
};

const provider = new Provider(issuer, configuration);
const providerCallback = provider.callback();

function passwordMatches(account, password) {
  // Compare digests so the comparison is constant-time whatever the lengths.
  const digest = (s) => createHash('sha256').update(String(s), 'utf8').digest();
  return account !== undefined && timingSafeEqual(digest(account.password), digest(password));
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(res, status, title, body) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No form-action: browsers apply it to the redirects after a form POST, and the login and
    // consent forms end in a redirect to the portal's callback on another origin.
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
    + `<body><h1>${escapeHtml(title)}</h1>${body}<p><small>AuditPortal development OpenID Provider</small></p></body></html>`);
}

function loginForm(res, uid, { username = '', error = '' } = {}) {
  page(res, error ? 401 : 200, 'Sign in to AuditPortal',
    (error ? `<p role="alert">${escapeHtml(error)}</p>` : '')
    + `<form method="post" action="/interaction/${escapeHtml(uid)}/login">`
    + `<p><label>Username <input name="username" autocomplete="username" value="${escapeHtml(username)}" required autofocus></label></p>`
    + `<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>`
    + '<p><button type="submit">Sign in</button></p></form>'
    + `<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>`);
}

function consentForm(res, uid, details) {
  const scopes = details.prompt.details.missingOIDCScope ?? [];
  page(res, 200, 'Allow AuditPortal?',
    `<p>AuditPortal (<code>${escapeHtml(details.params.client_id)}</code>) asks for: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ') || 'no new scopes'}.</p>`
    + `<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>`
    + `<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Deny</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function handleInteraction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'Interaction mismatch', '<p>Start the sign-in again from the portal.</p>');
  const { prompt } = details;

  if (req.method === 'GET' && !action) {
    return prompt.name === 'login' ? loginForm(res, uid) : consentForm(res, uid, details);
  }
  if (req.method !== 'POST') return page(res, 405, 'Method not allowed', '');

  if (action === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const account = accounts.get(username);
    if (!passwordMatches(account, form.get('password') ?? '')) {
      return loginForm(res, uid, { username, error: 'Unknown username or wrong password.' });
    }
    return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
  }

  if (action === 'confirm' && prompt.name === 'consent') {
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
  }

  if (action === 'abort') {
    return provider.interactionFinished(req, res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }
  return page(res, 400, 'Unexpected step', '<p>Start the sign-in again from the portal.</p>');
}

const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return providerCallback(req, res);
  try {
    await handleInteraction(req, res, match[1], match[2]);
  } catch (err) {
    // Expired or unknown interaction (e.g. a stale tab): a plain page, no stack trace.
    if (!res.headersSent) page(res, 400, 'Sign-in session expired', `<p>${escapeHtml(err.message)}. Start the sign-in again from the portal.</p>`);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`dev OpenID Provider: issuer ${issuer}`);
  console.log(`  client auditportal, redirect_uris: ${[...redirectUris].join(' ')}`);
  console.log(`  accounts: ${[...accounts.values()].map((a) => `${a.username}/${a.password}`).join(' ')}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
