/**
 * The Guardian's report, typed: the JSON `nmp inspect` prints and a Data Node records, produced
 * here by the same Rust code (`nmp-guardian`'s `Report`), so every field means what it means
 * there.
 */

/** Whether a module may run. */
export type Verdict = 'accepted' | 'rejected';

/** How much a finding matters, from most to least serious. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * What a finding is about; stable across releases, new codes may be added. The meaning of each
 * is documented on `nmp_guardian::FindingCode`.
 */
export type FindingCode =
  | 'malformed'
  | 'invalid'
  | 'component_binary'
  | 'module_too_large'
  | 'threads'
  | 'memory64'
  | 'multi_memory'
  | 'exceptions'
  | 'gc'
  | 'tail_call'
  | 'relaxed_simd'
  | 'extended_const'
  | 'function_references'
  | 'wide_arithmetic'
  | 'custom_page_sizes'
  | 'unsupported_proposal'
  | 'forbidden_import'
  | 'import_signature_mismatch'
  | 'missing_start_export'
  | 'bad_start_export'
  | 'missing_memory_export'
  | 'start_section'
  | 'too_many_functions'
  | 'too_many_locals'
  | 'locals_too_large'
  | 'function_too_large'
  | 'memory_too_large'
  | 'memory_no_maximum'
  | 'table_too_large'
  | 'table_no_maximum'
  | 'data_too_large'
  | 'too_many_exports'
  | 'nesting_too_deep'
  | 'br_table_too_large'
  | 'code_too_large'
  | 'too_many_blocks'
  | 'function_too_many_blocks'
  | 'too_many_loops'
  | 'function_too_many_loops'
  | 'recursion'
  | 'findings_truncated';

/** A part of a module binary. */
export type Section =
  | 'header'
  | 'custom'
  | 'type'
  | 'import'
  | 'function'
  | 'table'
  | 'memory'
  | 'tag'
  | 'global'
  | 'export'
  | 'start'
  | 'element'
  | 'data_count'
  | 'code'
  | 'data';

/** Where a finding is; module-wide findings have no part. */
export interface Location {
  /** The section it is in. */
  readonly section?: Section;
  /** The function index (imports first). */
  readonly function?: number;
  /** The byte offset from the start of the module. */
  readonly offset?: number;
}

/** Structured specifics of a finding, tagged by `kind`. */
export type Detail =
  | { readonly kind: 'import'; readonly module: string; readonly name: string }
  | { readonly kind: 'limit'; readonly limit: number; readonly actual: number }
  | {
      readonly kind: 'cycle';
      readonly functions: readonly number[];
      readonly total: number;
      readonly indirect: boolean;
    }
  | { readonly kind: 'proposal'; readonly name: string };

/** One reason in a report. Match on `code`; the `message` wording may change. */
export interface Finding {
  /** What was found. */
  readonly code: FindingCode;
  /** Whether it rejects the module (`error`) or is only noted. */
  readonly severity: Severity;
  /** A human-readable sentence. */
  readonly message: string;
  /** Where in the module. */
  readonly location: Location;
  /** Structured specifics, for codes that have them. */
  readonly detail?: Detail;
}

/**
 * Everything the Guardian concluded about one module: rejected exactly when a finding is an
 * error; findings ordered by severity, then byte offset.
 */
export interface Report {
  /** Whether the module may run. */
  readonly verdict: Verdict;
  /** Why, in order; at most the policy's `max_findings` plus one `findings_truncated`. */
  readonly findings: readonly Finding[];
  /** SHA-256 of the module bytes, lowercase hex (the image id receipts refer to). */
  readonly module_sha256: string;
  /** Digest of the policy the module was judged under, lowercase hex. */
  readonly policy_digest: string;
  /** Length of the module in bytes. */
  readonly module_size: number;
}

/** The codes of a report's error findings, in report order. */
export function errorCodes(report: Report): FindingCode[] {
  return report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
}
