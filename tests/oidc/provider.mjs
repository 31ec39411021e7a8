// A real OpenID Connect provider for the single sign-on tests (tests/org/test_sso.py): panva's
// oidc-provider, certified by the OpenID Foundation, with one client and the accounts given.
//
//   node provider.mjs PORT REDIRECT_URI      (accounts: JSON in OIDC_ACCOUNTS, else the one below)
//
// Its login page checks the account's password; consent is granted to the one client without a
// page (a first-party client, as a government network's own provider treats its applications).
// It prints "listening" once it accepts connections.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const CLIENT = { id: 'worktracker', secret: 'worktracker-test-secret' };
const ACCOUNTS = JSON.parse(process.env.OIDC_ACCOUNTS || JSON.stringify({
  'zhang.san': {
    password: 'correct horse',
    claims: { name: '张三', preferred_username: 'zhangsan', email: 'zhangsan@edu.example.cn',
              email_verified: true, unit: '社管办', role: '科员' },
  },
}));

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT.id,
    client_secret: CLIENT.secret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  // The organisation's claims come with a scope of their own, as a directory's provider has.
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    organisation: ['department', 'unit', 'role'],
  },
  scopes: ['openid', 'email', 'profile', 'organisation'],
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['test-only-cookie-key'] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    return account && { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const existing = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email profile organisation');
    await grant.save();
    return grant;
  },
});

async function formBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

// The login interaction: a form, then the password checked against the account.
provider.use(async (ctx, next) => {
  if (!/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
  const { uid } = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<form method="post" action="/interaction/${uid}">`
      + '<input name="login"><input name="password" type="password"><button>Sign in</button></form>';
    return undefined;
  }
  const form = await formBody(ctx.req);
  const account = ACCOUNTS[form.get('login')];
  if (!account || account.password !== form.get('password')) {
    ctx.status = 401;
    ctx.body = 'wrong login or password';
    return undefined;
  }
  return provider.interactionFinished(
    ctx.req, ctx.res, { login: { accountId: form.get('login') } }, { mergeWithLastSubmission: false },
  );
});

provider.listen(Number(port), '127.0.0.1', () => console.log('listening'));
