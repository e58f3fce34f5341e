// A real OpenID Connect provider for Highlight's single sign-on tests: oidc-provider
// (OpenID Certified), with its development login and consent pages, so a test signs in
// through the real redirect flow. Started by tests/idp.py; never used outside the tests.
//
//   node provider.js <config.json>
//
// config.json: {"port": 0 for any, "clients": [oidc-provider client metadata],
//               "accounts": {"<login>": {<claims: email, email_verified, name, groups...>}}}
// It prints "listening <issuer>" once it serves discovery.
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined; // nobody of that name: the provider refuses the sign-in
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["highlight-test-idp-only"] },
});
provider.proxy = false;

const server = provider.listen(config.port, "127.0.0.1", () => {
  console.log(`listening ${issuer}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
