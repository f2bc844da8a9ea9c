/**
 * daprd's outbound health: 204 once its components are initialised, so the app's calls to it
 * (publish, state, bindings) can succeed. A function that uses its sidecar is not ready before
 * that: Knative would otherwise route a cold start's first request to a pod whose publish fails.
 * https://docs.dapr.io/reference/api/health_api/ (GET /v1.0/healthz/outbound)
 */
export async function sidecarOutboundHealth({ endpoint, apiToken, timeoutMs = 1000 }: { endpoint: string; apiToken?: string; timeoutMs?: number }): Promise<'ok' | 'unavailable'> {
  try {
    const res = await fetch(new URL('/v1.0/healthz/outbound', endpoint), {
      headers: apiToken ? { 'dapr-api-token': apiToken } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.status === 204 ? 'ok' : 'unavailable';
  } catch {
    return 'unavailable';
  }
}
