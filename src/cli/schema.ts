import { z } from 'zod';
import { ReportSchema } from '../report/schema.js';
import { RubricSchema } from '../rubric/schema.js';
import { UsageError } from '../util/errors.js';

/** JSON Schema (draft 2020-12) generated from the zod schemas; `which` is "report" or "rubric". */
export function jsonSchemaOf(which: string): unknown {
  if (which === 'report') return z.toJSONSchema(ReportSchema, { io: 'output' });
  if (which === 'rubric') return z.toJSONSchema(RubricSchema, { io: 'input', unrepresentable: 'any' });
  throw new UsageError(`unknown schema "${which}"; use report or rubric`);
}

/** `plumbline schema [report|rubric]`. @returns exit code */
export function runSchema(which: string): number {
  process.stdout.write(`${JSON.stringify(jsonSchemaOf(which), null, 2)}\n`);
  return 0;
}
