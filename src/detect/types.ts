import type { ContextFlag, Verdict } from '../rubric/schema.js';

/**
 * One piece of evidence: a fact in a file that matched a rubric signal (PRIMITIVES.md "evidence").
 * `strength` = signal weight x reachability factor x wired-in factor (rubric `weights`).
 */
export interface Evidence {
  /** Stable id within the report, e.g. `tool-registry#3`; the judge cites these. */
  id: string;
  criterion: string;
  signal: string;
  /** Repository-relative path. */
  file: string;
  /** 1-based line. */
  line: number;
  /** The source line, trimmed, at most 160 characters. */
  snippet: string;
  strength: number;
  /** False when no entry point reaches the file. */
  reachable: boolean;
  /** False when a declared name is referenced by no other non-test code. */
  wired: boolean;
  /** False when the criterion says where evidence must sit (`where`) and this item sits elsewhere. */
  tied: boolean;
  /** The relation to the harness model that ties it (`tool-path`, `before-model`...), `framework` for a framework option, or null. */
  relation: string | null;
  /** `framework:<id>` when the evidence is an option the app passes to an agent framework (issue 15); absent for the app's own code. */
  origin?: string;
}

/** Confidence in a verdict: how far the evidence is from the rule's thresholds. */
export type Confidence = 'high' | 'medium' | 'low';

/** Detection result for one primitive. */
export interface Detection {
  id: string;
  verdict: Verdict;
  confidence: Confidence;
  /** Criterion id -> { strength, met }. */
  criteria: Record<string, { strength: number; min: number; met: boolean }>;
  evidence: Evidence[];
  /** Why the verdict is what it is, in sentences a reviewer reads. */
  rationale: string;
  /** For present/partial: the call chain from the loop to the mechanism, in one line. */
  chain?: string;
  /** For partial/absent: where the fix belongs, from the landmarks ("where tools execute: f.ts:12"). */
  fixAt?: string;
  /** With a framework in use: `app`, `framework:<id>` or `app+framework:<id>`, from the evidence of the satisfied rule. */
  origin?: string;
}

/** Product shapes the issue asks plumbline to recognise. */
export type Shape = 'coding-agent' | 'chat-assistant' | 'workflow-orchestrator' | 'agent-sdk' | 'not-an-agent';

/** Repository-level context: shape, flags that raise severities, and why. */
export interface Context {
  shape: Shape;
  flags: ContextFlag[];
  /** Evidence for each flag that is set (top few per flag). */
  evidence: Record<string, Evidence[]>;
  entryPoints: string[];
  /** One sentence a person can read. */
  summary: string;
}
