import { UsageError } from '../util/errors.js';

/** Parses a numeric flag (undefined stays undefined). @throws UsageError naming the flag */
export function numberOption(name: string, v: unknown, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} must be a number >= ${min}, got "${String(v)}"`);
  return n;
}

/** Parses an integer flag within [min, max]. @throws UsageError naming the flag */
export function intOption(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${String(v)}"`);
  return n;
}
