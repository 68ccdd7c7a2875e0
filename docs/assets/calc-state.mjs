// @ts-check
// The calculator page's state, without the DOM: what the URL holds, the facts sent to Python, the
// address to share, the one money format, and the provisional tier shown while Python loads
// (issue 12 §3). Pure functions only, so that Node's own test runner can check them
// (tests/js/*.test.mjs, run by tests/test_js_units.py) and the parity test can feed the very same
// facts to this module and to the engine.
//
// The URL is read exactly as the engine reads it: values go to Python as they are (no prefix
// matching, no guessing); only their length is capped here, so that a hostile link costs nothing.

/** @typedef {import("./result-types.mjs").Facts} Facts */

/** The query keys the page understands. */
// "rules": the rule-data version of a shared link (share-version.mjs reads it; no fact)
export const KNOWN_KEYS = ["amount", "claims", "province", "region", "act", "decision", "known", "discovery", "attempt", "c", "rules"];

/** Longest value accepted from a link, per key (characters). Longer values are dropped with a notice. */
export const URL_CAPS = Object.freeze({
  amount: 40, claims: 400, province: 40, region: 40, act: 40, decision: 40, known: 40, discovery: 40, attempt: 10, c: 40, rules: 40,
});
/** At most this many circumstance codes are read from a link (there are far fewer). */
export const MAX_CODES = 40;
/** Reader's names of the keys, for the notices. */
export const KEY_LABELS = Object.freeze({
  amount: "金额", claims: "各笔金额", province: "省份", region: "城市", act: "行为日期", decision: "处理日期",
  known: "商家知道受骗的日期", discovery: "公安机关发现的日期", attempt: "退款结果", c: "其他情节", rules: "规则数据版本",
});

/**
 * @typedef {object} UrlState
 * @property {Record<string, string>} values   one raw value per single key (as written in the link)
 * @property {string[]} codes                  the circumstance codes, raw
 * @property {string[]} ignored                unknown keys (clipped)
 * @property {string[]} tooLong                keys whose value was longer than its cap (dropped)
 */

/**
 * Read a query string. Nothing is matched or corrected: the engine decides what a value means.
 * @param {string} search
 * @returns {UrlState}
 */
export function readParams(search) {
  const params = new URLSearchParams(search.length > 200000 ? search.slice(0, 200000) : search);
  /** @type {UrlState} */
  const out = { values: {}, codes: [], ignored: [], tooLong: [] };
  const seen = new Set();
  for (const [key, value] of params) {
    if (!KNOWN_KEYS.includes(key)) {
      if (!seen.has(key) && out.ignored.length < 10) out.ignored.push(clip(key, 20));
      seen.add(key);
      continue;
    }
    const cap = URL_CAPS[/** @type {keyof typeof URL_CAPS} */ (key)];
    if (value.length > cap) {
      if (!out.tooLong.includes(key)) out.tooLong.push(key);
      continue;
    }
    if (key === "c") {
      for (const code of value.split(",")) if (code && out.codes.length < MAX_CODES) out.codes.push(code);
    } else if (!(key in out.values)) {
      out.values[key] = value;
    }
  }
  return out;
}

/** @param {unknown} text @param {number} [n] */
export function clip(text, n = 60) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * @typedef {object} FormState
 * @property {string} amount
 * @property {string} claims
 * @property {string} province
 * @property {string} region
 * @property {string} act
 * @property {string} decision
 * @property {string} known
 * @property {string} discovery
 * @property {boolean} attempt        true: the refund was not obtained
 * @property {string} [attemptRaw]    a value from the link the radio buttons cannot hold
 * @property {string[]} codes
 */

/** @param {FormState} s */
export function stateToParams(s) {
  const p = new URLSearchParams();
  if (s.amount) p.set("amount", s.amount);
  if (s.claims) p.set("claims", s.claims);
  if (s.province) p.set("province", s.province);
  if (s.region) p.set("region", s.region);
  if (s.act) p.set("act", s.act);
  if (s.decision) p.set("decision", s.decision);
  if (s.known) p.set("known", s.known);
  if (s.discovery) p.set("discovery", s.discovery);
  if (s.attemptRaw !== undefined) p.set("attempt", s.attemptRaw);
  else if (s.attempt) p.set("attempt", "1");
  for (const c of s.codes) p.append("c", c);
  return p;
}

/**
 * The facts sent to the engine (calculators/facts.py reads these names).
 * @param {FormState} s
 * @returns {Facts}
 */
export function stateToFacts(s) {
  /** @type {Facts} */
  const facts = {};
  if (s.amount || !s.claims) facts.amount = s.amount;
  if (s.claims) facts.claims = s.claims;
  if (s.province) facts.province = s.province;
  if (s.region) facts.region = s.region;
  if (s.act) facts.act_date = s.act;
  if (s.decision) facts.decision_date = s.decision;
  if (s.known) facts.known_date = s.known;
  if (s.discovery) facts.discovery_date = s.discovery;
  facts.refund_obtained = s.attemptRaw !== undefined ? s.attemptRaw : !s.attempt;
  if (s.codes.length) facts.circumstances = s.codes;
  return facts;
}

// ---------- money ----------

// The one money formatter lives in money.mjs (every page script imports it from there).
export { yuan } from "./money.mjs";

// ---------- the provisional tier ----------

const AMOUNT_RE = /^(\d{1,13}|\d{1,3}(?:,\d{3}){1,4})(?:\.(\d{1,6}))?(万)?(元)?$/;
const MAX_CENTS = 10n ** 14n; // 1e12 yuan, the engine's MAX_AMOUNT
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EARLIEST_ACT = "2011-04-08";

/**
 * Plain amounts only: digits, with thousands commas, an optional 万 and an optional 元
 * ("3500", "3,500元", "1.2万"). Anything else (full-width digits, words, signs, spaces inside,
 * more decimals than cents) gives null: the page then waits for Python.
 * @param {unknown} text
 * @returns {bigint | null} the amount in cents
 */
export function parsePlainAmount(text) {
  if (typeof text !== "string" || text.length > 40) return null;
  const m = AMOUNT_RE.exec(text.trim());
  if (!m) return null;
  const whole = BigInt(m[1].replaceAll(",", ""));
  const frac = m[2] || "";
  let cents;
  if (m[3]) {
    cents = whole * 1000000n + BigInt(frac.padEnd(6, "0"));
  } else {
    if (frac.length > 2) return null;
    cents = whole * 100n + BigInt(frac.padEnd(2, "0"));
  }
  if (cents <= 0n || cents > MAX_CENTS) return null;
  return cents;
}

/** @param {unknown} s */
function isoDate(s) {
  if (typeof s !== "string") return null;
  const m = ISO_RE.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? s : null;
}

/**
 * @typedef {{large: number | null, huge: number | null, especially_huge: number | null}} Floors
 * @typedef {object} ProvinceFigures
 * @property {string} name
 * @property {string} code
 * @property {string} confidence           VERIFIED | REPORTED | UNKNOWN
 * @property {string} confidence_label     the reader's words for it
 * @property {string | null} from          ISO date from which these figures apply to every date
 * @property {boolean} [pending]           caveats or an unknown date: 待核实
 * @property {boolean} [conflict]          two readings of the figures (上海): only the full analysis answers
 * @property {Floors} [floors]
 * @property {{code: string, label: string, cities: string[], floors: Floors}[]} [regions]
 * @typedef {{tiers: string[], provinces: Record<string, ProvinceFigures>}} ProvisionalData
 */

/**
 * @typedef {object} Provisional
 * @property {"tier" | "full"} kind   "tier": a provisional tier; "full": only the full analysis can answer
 * @property {string} [tier]          none | large | huge | especially_huge
 * @property {string} [reason]        why only the full analysis can answer
 * @property {ProvinceFigures} [province]
 * @property {{label: string, floors: Floors}[]} [figures]   the figures to show
 * @property {bigint} [cents]
 * @property {boolean} [attempt]
 */

/** @param {bigint} cents @param {Floors} f */
function tierOf(cents, f) {
  let tier = "none";
  for (const t of /** @type {const} */ (["large", "huge", "especially_huge"])) {
    const floor = f[t];
    if (floor !== null && floor !== undefined && cents >= BigInt(floor) * 100n) tier = t;
  }
  return tier;
}

/**
 * Where the amount falls among the province's figures, or why only the full analysis can say.
 * Returns null when nothing provisional is shown (the amount is not plain, a value cannot be read):
 * the page then just waits for Python.
 * @param {Facts} facts     the same facts that go to the engine
 * @param {ProvisionalData} data
 * @param {string} today    ISO date (the engine's default decision date)
 * @returns {Provisional | null}
 */
export function provisional(facts, data, today) {
  if (!data || !data.provinces || facts.claims) return null;
  const cents = parsePlainAmount(facts.amount);
  if (cents === null) return null;
  const decision = facts.decision_date === undefined ? today : isoDate(facts.decision_date);
  const act = facts.act_date === undefined ? decision : isoDate(facts.act_date);
  if (!decision || !act || act < EARLIEST_ACT || act > today || decision < act) return null;
  for (const k of /** @type {const} */ (["known_date", "discovery_date"])) {
    if (facts[k] === undefined) continue;
    const d = isoDate(facts[k]);
    if (!d || d < act) return null;
  }
  const refund = facts.refund_obtained === undefined || facts.refund_obtained === "" ? true : facts.refund_obtained;
  if (typeof refund !== "boolean") return null;
  const attempt = !refund;
  if (!facts.province) {
    if (facts.region) return null;
    return { kind: "full", cents, reason: "没有选择省份：各省的数额标准不同，选择省份后这里会先显示该省的标准。" };
  }
  const p = Object.hasOwn(data.provinces, facts.province) ? data.provinces[facts.province] : undefined;
  if (!p) return null;
  let figures;
  if (p.regions) {
    figures = p.regions.map((r) => ({ label: r.label, cities: r.cities, floors: r.floors }));
    if (facts.region) {
      const r = p.regions.find((x) => x.cities.includes(/** @type {string} */ (facts.region)));
      if (!r) return null;
      figures = [{ label: r.label, cities: r.cities, floors: r.floors }];
    }
  } else if (p.floors) {
    if (facts.region) return null;
    figures = [{ label: "", floors: p.floors }];
  }
  const base = { cents, province: p, figures, attempt };
  if (p.confidence !== "VERIFIED" || !figures) {
    return { kind: "full", ...base, reason: `${p.name}的数额标准${p.confidence_label}：只有完整分析能回答。` };
  }
  if (p.conflict) {
    return { kind: "full", ...base, reason: `${p.name}的数额标准有两种读法（待核实）：只有完整分析能回答。` };
  }
  if (facts.circumstances && facts.circumstances.length) {
    return { kind: "full", ...base, reason: "已选择其他情节：情节可能改变结论，只有完整分析能回答。" };
  }
  if (!p.from || act < p.from || decision < p.from) {
    return { kind: "full", ...base, reason: `行为日期或处理日期早于${p.name}现行标准的施行日（${p.from}）：要按当时的标准比较，只有完整分析能回答。` };
  }
  const tiers = new Set(figures.map((f) => tierOf(cents, f.floors)));
  if (tiers.size !== 1) {
    return { kind: "full", ...base, reason: `${p.name}按城市分两类标准，这个金额在两类城市的结果不同：选择城市后可以看到初步结果。` };
  }
  return { kind: "tier", ...base, tier: [...tiers][0] };
}
