// Rules over a rendered chart that no schema can express: each one a mistake that validates and
// still breaks a cluster. Pure functions over the objects `helm template` prints; test/chart-rules
// applies them to every values file, and to a fixture each that must fail.

import { maxWaitSeconds } from '../../shared/domain/sync.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read freely

export interface RuleFinding {
  rule: string;
  resource: string;
  message: string;
}

// The longest a function holds a request on purpose: GET /api/sync's long-poll (its `wait` cap).
// Every timeout on a public request's way (Gateway route, Knative revision) must exceed it by the
// margin, or the poll is cut into a 504.
export const longestHoldSeconds = maxWaitSeconds;
export const timeoutMarginSeconds = 10;

// kube-prometheus-stack's Prometheus selects PodMonitors and PrometheusRules by the label
// release=<its Helm release>; scripts/cloud/*.sh install it under this name.
export const prometheusStackRelease = 'kube-prometheus-stack';

// Registries whose images no node pulls without a Secret. Azure Container Registry is not one:
// the cluster is attached to it (AcrPull for the kubelet identity).
export const pullSecretRegistries = ['registry.digitalocean.com', 'ghcr.io'];

// What the public routes may take: the API, the web app's page and its hashed assets.
const publicPath = (match: { type?: string; value: string }): boolean => {
  const type = match.type ?? 'PathPrefix';
  if (type === 'Exact' && match.value === '/') return true;
  if (type === 'RegularExpression') return /^\^\/(api|assets)\//.test(match.value);
  return match.value.startsWith('/api/') || match.value.startsWith('/assets/');
};

// Paths no public route may take (a regular expression may still, so each is tried).
export const internalPaths = ['/metrics', '/healthz', '/events/notify', '/events/log-activity', '/cron-tick', '/relay-outbox', '/dapr/subscribe', '/dapr/config', '/api/../metrics'];

/** Whether a Gateway API path match takes a request path. */
export function takes(match: { type?: string; value: string }, requestPath: string): boolean {
  switch (match.type ?? 'PathPrefix') {
    case 'Exact':
      return match.value === requestPath;
    case 'RegularExpression':
      return new RegExp(match.value).test(requestPath);
    default:
      return match.value === '/' || requestPath === match.value || requestPath.startsWith(`${match.value.replace(/\/$/, '')}/`);
  }
}

const name = (o: Obj) => `${o.kind}/${o.metadata?.name}`;
const isKsvc = (o: Obj) => o.apiVersion === 'serving.knative.dev/v1' && o.kind === 'Service';
const annotations = (svc: Obj): Record<string, string> => svc.spec?.template?.metadata?.annotations ?? {};
const hasSidecar = (svc: Obj) => annotations(svc)['dapr.io/enabled'] === 'true';
const backendRules = (route: Obj): Obj[] => ((route.spec?.rules ?? []) as Obj[]).filter((r) => (r.backendRefs ?? []).length > 0);
/** Gateway API durations as seconds ("60s", "1m30s", "500ms"). */
export const seconds = (duration: string): number => {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/([\d.]+)(ms|s|m|h)/g)) total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
};
/** Pod specs with where they come from: Knative revisions and Jobs. */
const podSpecs = (objects: Obj[]) => [
  ...objects.filter(isKsvc).map((o) => ({ owner: o, spec: o.spec.template.spec as Obj })),
  ...objects.filter((o) => o.kind === 'Job' || o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => ({ owner: o, spec: o.spec.template.spec as Obj })),
];

/**
 * daprd always loads a Kubernetes secret store unless told not to (the built-in one, and any
 * secretstores.kubernetes component); its init needs the pod's API token, and a failed init stops
 * the sidecar. So a pod without the token must disable the built-in store and load no such component.
 */
export function tokenAutomount(objects: Obj[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const accounts = new Map(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => [o.metadata.name, o]));
  const k8sStores = objects.filter((o) => o.kind === 'Component' && o.spec?.type === 'secretstores.kubernetes');
  for (const svc of objects.filter(isKsvc).filter(hasSidecar)) {
    const spec = svc.spec.template.spec as Obj;
    const account = accounts.get(spec.serviceAccountName ?? 'default');
    const mounted = spec.automountServiceAccountToken ?? account?.automountServiceAccountToken ?? true;
    if (mounted !== false) continue;
    const app = annotations(svc)['dapr.io/app-id'];
    if (annotations(svc)['dapr.io/disable-builtin-k8s-secret-store'] !== 'true') {
      findings.push({ rule: 'token-automount', resource: name(svc), message: 'its sidecar loads the built-in Kubernetes secret store, but the pod mounts no API token (dapr.io/disable-builtin-k8s-secret-store)' });
    }
    for (const store of k8sStores.filter((c) => !c.scopes?.length || c.scopes.includes(app))) {
      findings.push({ rule: 'token-automount', resource: name(svc), message: `its sidecar loads ${name(store)} (secretstores.kubernetes), but the pod mounts no API token` });
    }
  }
  return findings;
}

/**
 * Knative probes a starting pod aggressively only while the readiness probe has no periodSeconds;
 * a sidecar function's /healthz includes daprd's outbound health, and daprd's probe starts at once.
 */
export function readinessProbing(objects: Obj[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const svc of objects.filter(isKsvc)) {
    const [container] = svc.spec.template.spec.containers as Obj[];
    const probe = container?.readinessProbe as Obj | undefined;
    if (!probe) findings.push({ rule: 'readiness-probing', resource: name(svc), message: 'no readinessProbe' });
    else if (probe.periodSeconds) findings.push({ rule: 'readiness-probing', resource: name(svc), message: `readinessProbe.periodSeconds ${probe.periodSeconds} turns off Knative's startup probing` });
    if (hasSidecar(svc)) {
      const env = (container?.env ?? []) as Obj[];
      if (env.find((e) => e.name === 'DAPR_HEALTH_CHECK')?.value !== 'true') {
        findings.push({ rule: 'readiness-probing', resource: name(svc), message: 'uses a sidecar but /healthz does not check it (DAPR_HEALTH_CHECK)' });
      }
      const delay = Number(annotations(svc)['dapr.io/sidecar-readiness-probe-delay-seconds'] ?? 3);
      if (delay > 1) findings.push({ rule: 'readiness-probing', resource: name(svc), message: `daprd's readiness is first checked after ${delay} s` });
    }
  }
  return findings;
}

/** Every timeout on a public request's way exceeds the longest hold by the margin. */
export function timeouts(objects: Obj[]): RuleFinding[] {
  const least = longestHoldSeconds + timeoutMarginSeconds;
  const findings: RuleFinding[] = [];
  const routed = new Set<string>();
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute')) {
    for (const rule of backendRules(route)) {
      for (const filter of rule.filters ?? []) if (filter.urlRewrite?.hostname) routed.add(String(filter.urlRewrite.hostname).split('.')[0]!);
      for (const key of ['request', 'backendRequest'] as const) {
        const value = rule.timeouts?.[key] as string | undefined;
        // Unset, the data plane's own default applies (Envoy's route timeout is 15 s).
        if (key === 'request' && value === undefined) findings.push({ rule: 'timeouts', resource: name(route), message: `no timeouts.request: the gateway's default, not ≥ ${least}s` });
        else if (value !== undefined && seconds(value) < least) findings.push({ rule: 'timeouts', resource: name(route), message: `timeouts.${key} ${value} < ${least}s (the ${longestHoldSeconds} s long-poll + ${timeoutMarginSeconds} s)` });
      }
    }
  }
  for (const svc of objects.filter(isKsvc).filter((s) => routed.has(s.metadata.name))) {
    const value = Number(svc.spec.template.spec.timeoutSeconds ?? 300);
    if (value < least) findings.push({ rule: 'timeouts', resource: name(svc), message: `timeoutSeconds ${value} < ${least}` });
  }
  return findings;
}

/** Something scrapes the PodMonitor, and an alert rule is only rendered where something reads it. */
export function monitoringLabels(objects: Obj[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const monitoring = objects.filter((o) => o.kind === 'PodMonitor' || o.kind === 'PrometheusRule');
  for (const o of monitoring.filter((m) => m.apiVersion === 'monitoring.coreos.com/v1')) {
    if (o.metadata.labels?.release !== prometheusStackRelease) {
      findings.push({ rule: 'monitoring-labels', resource: name(o), message: `no label release: ${prometheusStackRelease}, so kube-prometheus-stack's Prometheus does not select it` });
    }
  }
  if (monitoring.some((o) => o.apiVersion === 'azmonitoring.coreos.com/v1') && monitoring.some((o) => o.kind === 'PrometheusRule')) {
    findings.push({ rule: 'monitoring-labels', resource: 'PrometheusRule/taskfn', message: 'Azure Managed Prometheus reads no PrometheusRule: its alerts are Azure rule groups' });
  }
  return findings;
}

/** An image from a registry that needs credentials comes with a pull Secret on every pod. */
export function pullSecrets(objects: Obj[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const { owner, spec } of podSpecs(objects)) {
    for (const container of (spec.containers ?? []) as Obj[]) {
      const host = String(container.image).split('/')[0]!;
      if (pullSecretRegistries.includes(host) && !(spec.imagePullSecrets ?? []).length) {
        findings.push({ rule: 'pull-secrets', resource: name(owner), message: `${container.image} is private, and the pod has no imagePullSecrets` });
      }
    }
  }
  return findings;
}

/** The public routes take /api, / and the web assets alone, and reach a backend only over HTTPS. */
export function publicRoutes(objects: Obj[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const gateways = new Map(objects.filter((o) => o.kind === 'Gateway').map((g) => [g.metadata.name, g]));
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute')) {
    for (const rule of backendRules(route)) {
      for (const match of (rule.matches ?? [{}]) as Obj[]) {
        if (!match.path) {
          findings.push({ rule: 'public-routes', resource: name(route), message: 'a match without a path takes every path' });
          continue;
        }
        if (!publicPath(match.path)) findings.push({ rule: 'public-routes', resource: name(route), message: `routes ${match.path.type} ${match.path.value}: not /api, / or /assets/` });
        for (const p of internalPaths.filter((p) => takes(match.path, p))) findings.push({ rule: 'public-routes', resource: name(route), message: `routes ${p}` });
      }
    }
    if (backendRules(route).length === 0) continue;
    for (const parent of (route.spec.parentRefs ?? []) as Obj[]) {
      const gateway = gateways.get(parent.name);
      if (!gateway || !route.spec.hostnames?.length) continue;
      const listeners = ((gateway.spec.listeners ?? []) as Obj[]).filter((l) => !parent.sectionName || l.name === parent.sectionName);
      for (const l of listeners.filter((l) => l.protocol !== 'HTTPS')) {
        findings.push({ rule: 'public-routes', resource: name(route), message: `serves ${route.spec.hostnames.join(', ')} on the ${l.protocol} listener ${l.name}: bearer tokens in clear` });
      }
    }
  }
  return findings;
}

/** Application Gateway for Containers programs a Gateway only when it names its load balancer. */
export function gatewayProgrammed(objects: Obj[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const gateway of objects.filter((o) => o.kind === 'Gateway' && o.spec.gatewayClassName === 'azure-alb-external')) {
    const a = gateway.metadata.annotations ?? {};
    const named = a['alb.networking.azure.io/alb-id'] || (a['alb.networking.azure.io/alb-namespace'] && a['alb.networking.azure.io/alb-name']);
    if (!named) findings.push({ rule: 'gateway-programmed', resource: name(gateway), message: 'azure-alb-external without alb.networking.azure.io/alb-namespace and alb-name (or alb-id)' });
  }
  return findings;
}

/** Every warm function (a fixed scale of two or more) has a disruption budget selecting its pods. */
export function disruptionBudgets(objects: Obj[]): RuleFinding[] {
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  return objects
    .filter(isKsvc)
    .filter((s) => Number(annotations(s)['autoscaling.knative.dev/min-scale'] ?? 0) >= 2)
    .filter((s) => !budgets.some((b) => b.spec.selector?.matchLabels?.['serving.knative.dev/service'] === s.metadata.name))
    .map((s) => ({ rule: 'disruption-budgets', resource: name(s), message: `${annotations(s)['autoscaling.knative.dev/min-scale']} warm pods and no PodDisruptionBudget` }));
}

/**
 * With Key Vault as the secret store, every Secret a pod reads is synced from it by an
 * ExternalSecret (nothing else would create it on that cluster).
 */
export function vaultSecretsSynced(objects: Obj[]): RuleFinding[] {
  if (!objects.some((o) => o.kind === 'Component' && o.spec?.type === 'secretstores.azure.keyvault')) return [];
  const synced = new Set(objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.target?.name ?? o.metadata.name));
  const findings: RuleFinding[] = [];
  for (const { owner, spec } of podSpecs(objects)) {
    const read = new Set<string>();
    for (const c of (spec.containers ?? []) as Obj[]) for (const e of (c.env ?? []) as Obj[]) if (e.valueFrom?.secretKeyRef) read.add(e.valueFrom.secretKeyRef.name);
    for (const secret of [...read].filter((s) => !synced.has(s))) findings.push({ rule: 'vault-secrets-synced', resource: name(owner), message: `reads Secret ${secret}, which no ExternalSecret syncs from Key Vault` });
  }
  return findings;
}

export const chartRules = { tokenAutomount, readinessProbing, timeouts, monitoringLabels, pullSecrets, publicRoutes, gatewayProgrammed, disruptionBudgets, vaultSecretsSynced };

export const checkChartRules = (objects: Obj[]): RuleFinding[] => Object.values(chartRules).flatMap((rule) => rule(objects));
