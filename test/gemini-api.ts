import { type IncomingHttpHeaders, createServer } from 'node:http';

/**
 * A stand-in for the Gemini API's generateContent method
 * (https://ai.google.dev/api/generate-content), for contract tests of the `gemini` chat model
 * through @google/genai pointed at it by its base-URL option. It answers
 * `POST /v1beta/models/{model}:generateContent` with the next scripted answer, recording each
 * request. An answer is a model turn (`parts`: text and functionCall parts, wrapped into
 * `candidates[0].content` as the API does), an error in Google's error shape
 * (`{"error": {"code", "message", "status", "details"}}`), or silence (never answered: a timeout).
 * A script entry may be a function of the request, to answer what the client sent.
 */
export type Part = { text: string } | { functionCall: { name: string; args: Record<string, unknown>; id?: string } };

export type Answer =
  | { parts: Part[] }
  | { error: { code: number; status: string; message: string; details?: unknown[] } }
  | { silence: true };

export interface GeminiRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    contents: { role: string; parts: Record<string, unknown>[] }[];
    systemInstruction?: { parts: { text: string }[] };
    tools?: { functionDeclarations: { name: string; description: string; parametersJsonSchema: unknown }[] }[];
    toolConfig?: { functionCallingConfig?: { mode?: string } };
  };
}

export interface GeminiApi {
  baseUrl: string;
  requests: GeminiRequest[];
  /** Answers for the next requests, in order; when they run out, a plain text "OK.". */
  script(...answers: (Answer | ((req: GeminiRequest) => Answer))[]): void;
  close(): Promise<void>;
}

/** Google's RetryInfo, as a 429 carries it. */
export const quotaExceeded = (retryDelay = '38s'): Answer => ({
  error: {
    code: 429,
    status: 'RESOURCE_EXHAUSTED',
    message: 'You exceeded your current quota, please check your plan and billing details.',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ],
  },
});

export async function startGeminiApi(): Promise<GeminiApi> {
  const requests: GeminiRequest[] = [];
  let queue: (Answer | ((req: GeminiRequest) => Answer))[] = [];
  const held: (() => void)[] = [];

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !/^\/v1beta\/models\/[^/:]+:generateContent$/.test(req.url ?? '')) {
        return send(404, { error: { code: 404, status: 'NOT_FOUND', message: `no method at ${req.method} ${req.url}` } });
      }
      if (!req.headers['x-goog-api-key']) {
        return send(403, { error: { code: 403, status: 'PERMISSION_DENIED', message: 'Method doesn\'t allow unregistered callers. Please use an API key.' } });
      }
      const request: GeminiRequest = { url: req.url!, headers: req.headers, body: JSON.parse(raw) as GeminiRequest['body'] };
      requests.push(request);
      const next = queue.shift() ?? { parts: [{ text: 'OK.' }] };
      const answer = typeof next === 'function' ? next(request) : next;
      if ('silence' in answer) return held.push(() => res.destroy());
      if ('error' in answer) return send(answer.error.code, answer);
      send(200, {
        candidates: [{ content: { role: 'model', parts: answer.parts }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 },
        modelVersion: 'gemini-2.5-flash',
        responseId: `r${requests.length}`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    script: (...answers) => {
      queue = answers;
    },
    close: async () => {
      for (const release of held.splice(0)) release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
