// The product's one money style for every page script, the same rule as calculators/money.py
// ``format_yuan``: thousands separators, a space before 元, cents only when not zero.
// "8000.00" -> "8,000 元", 3500.5 -> "3,500.50 元". Import it from here; keep no other formatter.

const GROUPS = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * The product's one money format: "8,000 元", "8,000.50 元" (cents only when not zero).
 * Accepts numbers and the engine's decimal strings ("8000.00").
 * @param {unknown} v
 */
export function yuan(v) {
  if (v === null || v === undefined || v === "") return "";
  const text = String(v).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(typeof v === "number" ? v.toFixed(2) : text);
  if (!m) return text;
  const cents = (m[3] || "").padEnd(2, "0").slice(0, 2);
  const whole = m[2].length > 15 ? m[2] : GROUPS.format(Number(m[2]));
  return `${m[1]}${whole}${cents !== "00" ? `.${cents}` : ""} 元`;
}
