/**
 * What a tool definition looks like, shared by every front end and by the prefilter so they
 * cannot drift apart: a literal (object, dict, struct, interface) holding a name, a description
 * and one of these parameter-schema keys (PRIMITIVES.md `tool-registry` evidence).
 */
export const TOOL_SCHEMA_KEYS = [
  'parameters', 'input_schema', 'inputSchema', 'schema', 'parametersJsonSchema', 'argsSchema', 'args_schema',
  'args', 'inputs', 'params', 'jsonSchema', 'zodSchema', 'properties',
] as const;

const alternation = TOOL_SCHEMA_KEYS.join('|');

/** Raw-text test used by the prefilter: a description within 400 characters of a schema key. */
export const TOOL_SHAPE_TEXT = new RegExp(`\\bdescription\\b[\\s\\S]{0,400}\\b(?:${alternation})\\b|\\b(?:${alternation})\\b[\\s\\S]{0,400}\\bdescription\\b`);

/** Line-level test for a schema key assignment (`"parameters":`, `input_schema=`, `args_schema:`). */
export const TOOL_SCHEMA_LINE = new RegExp(`(?:["'](?:${alternation})["']|\\b(?:${alternation}))\\s*[:=]`);
