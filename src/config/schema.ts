import { z } from 'zod';
import { SeveritySchema } from '../rubric/schema.js';
import { MAX_JOBS } from '../extract/jobs.js';

/** One configured suppression: a primitive whose gap is accepted, with the reason (required). */
export const SuppressionSchema = z
  .object({
    primitive: z.string().min(1),
    reason: z.string().trim().min(1, 'a suppression needs a reason'),
  })
  .strict();

/**
 * plumbline's config file (issue 7): `plumbline.config.{json,yaml,yml}`, `.plumblinerc`,
 * `.plumblinerc.{json,yaml,yml}`, or a `plumbline` key in package.json. CLI flags override it.
 * JSON and YAML only: plumbline never executes code from the repository it scans, so there is no
 * JavaScript config. `schema/config.schema.json` is generated from this schema.
 */
export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    rubric: z.string().optional().describe('rubric YAML, relative to the config file'),
    format: z.enum(['text', 'json', 'markdown', 'sarif', 'html']).optional(),
    failOn: SeveritySchema.optional(),
    minScore: z.number().int().min(0).max(100).optional(),
    maxFileSize: z.number().int().positive().optional(),
    jobs: z.number().int().min(1).max(MAX_JOBS).optional().describe('worker threads that read and parse files (1: none); the report is the same for any value'),
    exclude: z.array(z.string()).optional().describe('extra globs to leave out'),
    baseline: z.string().optional().describe('baseline file, relative to the config file'),
    suppressions: z.array(SuppressionSchema).optional(),
    judge: z
      .object({
        model: z.string().optional(),
        baseUrl: z.string().url().optional(),
        maxInputTokens: z.number().int().positive().optional(),
        maxOutputTokens: z.number().int().positive().optional(),
        maxCost: z.number().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;
