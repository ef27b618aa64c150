import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plan } from './plan.js';

/** Path of the Markdown plan template. */
export const PLAN_TEMPLATE = fileURLToPath(new URL('../../templates/plan.md.hbs', import.meta.url));

/** Plan output formats. */
export const PLAN_FORMATS = ['markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/**
 * Renders a plan. Markdown comes from `templates/plan.md.hbs`; every value that can come from
 * the brief goes through the `md`/`code` helpers, which escape Markdown and HTML (a brief can
 * hold any text). Code sketches are plumbline's own data and sit in fences longer than any
 * backtick run inside them.
 */
export async function renderPlan(plan: Plan, format: PlanFormat): Promise<string> {
  if (format === 'json') return JSON.stringify(plan, null, 2) + '\n';
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  hb.registerHelper('md', (s: unknown) =>
    new hb.SafeString(String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\`*_{}[\]()#+!|])/g, '\\$1').replace(/\r?\n/g, ' ')),
  );
  hb.registerHelper('code', (s: unknown) => new hb.SafeString(`\`${String(s ?? '').replace(/`/g, "'").replace(/\r?\n/g, ' ')}\``));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('or', (a: unknown, b: unknown) => Boolean(a) || Boolean(b));
  hb.registerHelper('inc', (n: unknown) => Number(n) + 1);
  hb.registerHelper('fence', (code: string) => '`'.repeat(Math.max(3, ...[...String(code).matchAll(/`+/g)].map((m) => m[0].length + 1))));
  const tpl = hb.compile(readFileSync(PLAN_TEMPLATE, 'utf8'), { noEscape: true, strict: false });
  return tpl(plan).replace(/\n{3,}/g, '\n\n');
}
