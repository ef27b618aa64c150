/**
 * The largest extract worker count accepted (issue 16: `--jobs`, config `jobs`,
 * `EvaluateOptions.jobs`). A dependency-free module, so that the config schema can name it.
 */
export const MAX_JOBS = 64;
