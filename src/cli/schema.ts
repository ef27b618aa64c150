import { z } from 'zod';
import { ReportSchema } from '../report/schema.js';
import { RubricSchema } from '../rubric/schema.js';
import { UsageError } from '../util/errors.js';
import { BriefSchema } from '../design/brief.js';
import { PlanSchema } from '../design/plan.js';
import { WorksheetSchema } from '../judge/schema.js';
import { ConfigSchema } from '../config/schema.js';
import { BaselineSchema } from '../score/baseline.js';

/** JSON Schema (draft 2020-12) generated from the zod schemas; `which` is report, rubric, brief, plan or worksheet. */
export function jsonSchemaOf(which: string): unknown {
  if (which === 'report') return z.toJSONSchema(ReportSchema, { io: 'output' });
  if (which === 'rubric') return z.toJSONSchema(RubricSchema, { io: 'input', unrepresentable: 'any' });
  if (which === 'brief') return z.toJSONSchema(BriefSchema, { io: 'input' });
  if (which === 'plan') return z.toJSONSchema(PlanSchema, { io: 'output' });
  if (which === 'config') return z.toJSONSchema(ConfigSchema, { io: 'input' });
  if (which === 'baseline') return z.toJSONSchema(BaselineSchema, { io: 'output' });
  if (which === 'worksheet') return z.toJSONSchema(WorksheetSchema, { io: 'output' });
  throw new UsageError(`unknown schema "${which}"; use report, rubric, brief, plan, worksheet, config or baseline`);
}

/** `plumbline schema [report|rubric]`. @returns exit code */
export function runSchema(which: string): number {
  process.stdout.write(`${JSON.stringify(jsonSchemaOf(which), null, 2)}\n`);
  return 0;
}
