/** Version of the JSON report format (`schemaVersion`); bump on breaking changes. */
export const REPORT_SCHEMA_VERSION = 1;
