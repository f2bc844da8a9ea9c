import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tools } from '../tools.ts';
import { type Case, corpusClock, corpusTasks, corpusZones as zones, quoted, recent } from './corpus.ts';
import { type ParseContext, type Plan, parseMessage } from './parse.ts';

// The corpus against the parser: every quoted phrasing passes, and at least 95% of all of them.

const { now } = corpusClock('Europe/Berlin');
const context = (timeZone: string): ParseContext => ({ ...corpusClock(timeZone), tasks: corpusTasks, recent });

/** Why a case fails, or null when the plan is exactly the expected one. */
function failure([message, expected]: Case, ctx: ParseContext): string | null {
  const plan: Plan = parseMessage(message, ctx);
  if ('asks' in expected) {
    return plan.kind === 'reply' && expected.asks.test(plan.text) ? null : `${message}: ${JSON.stringify(plan)}`;
  }
  try {
    assert.deepEqual(plan, { kind: 'actions', actions: expected.plan });
    return null;
  } catch {
    return `${message}: ${JSON.stringify(plan)}`;
  }
}

describe('the local parser against the corpus', () => {
  const total = zones.reduce((n, [, cases]) => n + cases.length, 0);

  it(`holds at least 300 phrasings in two time zones (${total})`, () => assert.ok(total >= 300));

  for (const [message, expected] of quoted) {
    it(`reads the phrasing the issue quotes ${JSON.stringify(message)}`, () => assert.equal(failure([message, expected], context('Europe/Berlin')), null));
  }

  it('reads at least 95% of the corpus exactly as expected, and prints the rate', () => {
    const failures = zones.flatMap(([zone, cases]) => cases.map((c) => failure(c, context(zone))).filter((f) => f !== null).map((f) => `${zone} ${f}`));
    const rate = (total - failures.length) / total;
    process.stdout.write(`# corpus: ${total - failures.length}/${total} phrasings right (${(rate * 100).toFixed(1)}%)\n${failures.map((f) => `#   miss: ${f}`).join('\n')}\n`);
    assert.ok(rate >= 0.95, `${(rate * 100).toFixed(1)}% is below 95%`);
  });

  it('plans only calls whose arguments the tools’ own zod schemas accept', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now });
    for (const [zone, cases] of zones) {
      for (const [message] of cases) {
        const plan = parseMessage(message, context(zone));
        const actions = plan.kind === 'actions' ? plan.actions : plan.kind === 'reply' ? (plan.pending?.choices ?? []).flatMap((c) => c.actions) : [];
        for (const a of actions) {
          const parsed = tools[a.tool].args.safeParse(a.args);
          assert.ok(parsed.success, `${message}: ${JSON.stringify(a)} ${parsed.error?.message}`);
        }
      }
    }
  });
});
