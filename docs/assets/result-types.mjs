// @ts-check
// The engine's answer as the page reads it, written down once: the JSDoc types below are what the
// page scripts are checked against (// @ts-check), and RESULT_SHAPE is the same contract as data,
// which tests/test_result_shape.py checks against real results of every golden case (through
// tests/js/check-results.mjs). Change both together with calculators/result.py.

/**
 * @typedef {object} Facts  the facts the page sends (calculators/facts.py reads these names)
 * @property {unknown} [amount]
 * @property {string} [claims]
 * @property {string} [province]
 * @property {string} [region]
 * @property {string} [act_date]
 * @property {string} [decision_date]
 * @property {string} [known_date]
 * @property {string} [discovery_date]
 * @property {boolean | string} [refund_obtained]
 * @property {string[]} [circumstances]
 */

/**
 * @typedef {{id: string, label: string, title?: string, url?: string, confidence?: string}} Citation
 * @typedef {{track: string, text: string, citations: string[]}} Step
 * @typedef {{code: string, track?: string, text: string, citations: string[]}} Warning
 * @typedef {object} Criminal
 * @property {"none" | "large" | "huge" | "especially_huge" | "uncertain"} tier
 * @property {string[]} possible_tiers
 * @property {string} tier_label
 * @property {Record<string, string> | null} thresholds_yuan
 * @property {any} thresholds_source
 * @property {any} national_ranges_yuan
 * @property {any} sentence
 * @property {number | null} limitation_years
 * @property {any} limitation
 * @typedef {object} Administrative
 * @property {boolean | "conditional"} applies   "conditional": depends on whether the act is a crime
 * @property {string} [summary]
 * @property {string} [law_version]
 * @property {string} [article]
 * @property {number[] | null} [detention_days]   null once the six months for 治安 have run out
 * @property {string | null} [fine_max_yuan]
 * @property {boolean | null} [fine_alone_possible]
 * @property {any} [serious]
 * @property {any[]} [mitigation]
 * @property {any[]} [versions]
 * @property {any} [lighter]
 * @typedef {object} Civil
 * @property {string} summary
 * @property {string | null} amount_to_recover_yuan
 * @property {{code: string, text: string, citations: string[]}[]} remedies
 * @property {string[]} what_changes
 * @typedef {object} Result
 * @property {string} amount_yuan
 * @property {Record<string, any>} facts
 * @property {Criminal} criminal
 * @property {Administrative} administrative
 * @property {Civil} civil
 * @property {Step[]} steps
 * @property {Warning[]} warnings
 * @property {{title: string, year?: number, outcome?: string, note?: string}[]} similar_cases
 * @property {Record<string, Citation>} citations
 * @property {string} disclaimer
 * @property {{version: string, hash?: string}} ruleset
 * @property {string} as_of
 * @property {{tier: Record<string, string>, confidence: Record<string, string>}} labels  display labels
 *   from the rule data (calculators/labels.py): the page keeps no copy
 */

const str = "string";
const num = "number";
const arr = (/** @type {any} */ of) => ({ array: of });
const opt = (/** @type {any} */ t) => ({ optional: t });
const nul = (/** @type {any} */ t) => ({ nullable: t });

/** The fields the page reads, with their types (a small JSON-Schema-like form). */
export const RESULT_SHAPE = {
  amount_yuan: str,
  facts: "object",
  criminal: {
    tier: { enum: ["none", "large", "huge", "especially_huge", "uncertain"] },
    possible_tiers: arr({ enum: ["none", "large", "huge", "especially_huge"] }),
    tier_label: str,
    thresholds_yuan: nul({ values: str }),
    limitation_years: nul(num),
  },
  administrative: { applies: { enum: [true, false, "conditional"] }, summary: opt(str), fine_max_yuan: opt(nul(str)), detention_days: opt(nul(arr(num))), versions: opt(arr("object")) },
  civil: { summary: str, amount_to_recover_yuan: nul(str), remedies: arr({ code: str, text: str, citations: arr(str) }), what_changes: arr(str) },
  steps: arr({ track: { enum: ["criminal", "administrative", "civil", "facts", "general"] }, text: str, citations: arr(str) }),
  warnings: arr({ code: str, text: str, citations: arr(str) }),
  similar_cases: arr({ title: str }),
  citations: { values: { id: str, label: str, url: opt(str), title: opt(str), confidence: opt(str) } },
  disclaimer: str,
  ruleset: { version: str },
  as_of: str,
  labels: {
    tier: { large: str, huge: str, especially_huge: str, none: str, uncertain: str },
    confidence: { VERIFIED: str, PARTIAL: str, REPORTED: str, UNKNOWN: str },
  },
};

/**
 * Every place where `value` differs from `shape`, as "path: what" strings (empty: it fits).
 * @param {unknown} value @param {any} shape @param {string} [path]
 * @returns {string[]}
 */
export function checkShape(value, shape = RESULT_SHAPE, path = "$") {
  if (typeof shape === "string") {
    if (shape === "object") return value !== null && typeof value === "object" && !Array.isArray(value) ? [] : [`${path}: not an object`];
    return typeof value === shape ? [] : [`${path}: ${JSON.stringify(value)?.slice(0, 40)} is not a ${shape}`];
  }
  if ("optional" in shape) return value === undefined ? [] : checkShape(value, shape.optional, path);
  if ("nullable" in shape) return value === null ? [] : checkShape(value, shape.nullable, path);
  if ("enum" in shape) return shape.enum.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} not in ${shape.enum.join("|")}`];
  if ("array" in shape) {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    return value.flatMap((v, i) => checkShape(v, shape.array, `${path}[${i}]`));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${path}: not an object`];
  const obj = /** @type {Record<string, unknown>} */ (value);
  if ("values" in shape) return Object.entries(obj).flatMap(([k, v]) => checkShape(v, shape.values, `${path}.${k}`));
  return Object.entries(shape).flatMap(([k, s]) => (k in obj || (typeof s === "object" && "optional" in s)
    ? checkShape(obj[k], s, `${path}.${k}`) : [`${path}.${k}: missing`]));
}
