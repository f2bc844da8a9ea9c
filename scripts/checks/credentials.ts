// Plaintext credentials in deployment material: a Secret object with its values inline, a
// credential-named environment variable given a literal value, a URL with a password in it, and the
// shapes of well-known keys. Every credential is a secretKeyRef (Kubernetes) or a GitHub secret.
import type { Finding, Source } from './validate.ts';

const shapes: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bSG\.[\w-]{22}\.[\w-]{43}\b/, 'a SendGrid API key'],
  [/\bAIza[\w-]{35}\b/, 'a Google API key'],
  [/\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/, 'a JSON Web Token'],
  // scheme://user:password@host, but not a ${VAR} or {{ template }} standing for one.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:(?![$*{<])[^\s:/@'"]+@/i, 'a URL with a password'],
];

const credentialName = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

type Env = { name?: unknown; value?: unknown };

function envLiterals(node: unknown, out: Env[] = []): Env[] {
  if (Array.isArray(node)) for (const item of node) envLiterals(item, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'env' && Array.isArray(value)) out.push(...(value as Env[]));
      envLiterals(value, out);
    }
  }
  return out;
}

export function plaintextCredentials(source: Source, objects: unknown[]): Finding[] {
  const findings: Finding[] = [];
  for (const [pattern, what] of shapes) {
    if (pattern.test(source.text)) findings.push({ source: source.label, message: `plaintext credential: ${what}` });
  }
  for (const object of objects as { kind?: unknown; metadata?: { name?: unknown }; data?: unknown; stringData?: unknown }[]) {
    const resource = `${String(object.kind)}/${String(object.metadata?.name)}`;
    if (object.kind === 'Secret' && (object.data !== undefined || object.stringData !== undefined)) {
      findings.push({ source: source.label, resource, message: 'plaintext credential: a Secret with its values inline; create it outside the repository' });
    }
    for (const env of envLiterals(object)) {
      if (credentialName.test(String(env.name)) && typeof env.value === 'string' && env.value !== '') {
        findings.push({ source: source.label, resource, message: `plaintext credential: env ${String(env.name)} has a literal value; use valueFrom.secretKeyRef` });
      }
    }
  }
  return findings;
}
