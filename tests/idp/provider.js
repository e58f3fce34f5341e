// A real OpenID Connect provider for Highlight's single sign-on tests: oidc-provider
// (OpenID Certified), with its development login and consent pages, so a test signs in
// through the real redirect flow. Started by tests/idp.py; never used outside the tests.
//
//   node provider.js <config.json>
//
// config.json: {"clients": [oidc-provider client metadata],
//               "accounts": {"<login>": {<claims: email, email_verified, name, groups...>}},
//               "idTokenSeconds": how long an ID token lasts (default an hour),
//               "publishOtherKey": true to publish a key other than the one it signs with}
// It listens on a port the system gives it (a port chosen beforehand can be taken by
// another process before Node binds it) and prints "listening <issuer>" once it serves.
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const server = createServer();
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(0, "127.0.0.1", resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;
const newKey = () => ({
  ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
  kid: "signing-key", alg: "RS256", use: "sig",
});
const signingKey = newKey();

const provider = new Provider(issuer, {
  clients: config.clients,
  async findAccount(ctx, id) {
    // Read afresh: a test changes someone's groups between two sign-ins.
    const claims = JSON.parse(readFileSync(process.argv[2], "utf8")).accounts[id];
    if (!claims) return undefined; // nobody of that name: the provider refuses the sign-in
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "jobTitle", "groups"],
  },
  // Entra ID's way: the ID token carries the claims (groups, job title), not only userinfo.
  conformIdTokenClaims: false,
  jwks: { keys: [signingKey] },
  ttl: { IdToken: config.idTokenSeconds || 3600 },
  scopes: ["openid", "email", "profile", "groups"],
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["highlight-test-idp-only"] },
});
provider.proxy = false;

if (config.publishOtherKey) {
  // A forger's token: signed with a key whose public half the provider never publishes
  // (what it publishes under the same key id is another key's).
  const { d, p, q, dp, dq, qi, ...published } = newKey();
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === "/jwks") ctx.body = { keys: [published] };
  });
}

server.on("request", provider.callback());
console.log(`listening ${issuer}`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
