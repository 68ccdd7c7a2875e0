// Unit tests of the calculator page's pure state module (run with `node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePlainAmount, provisional, readParams, stateToFacts, stateToParams, URL_CAPS, yuan } from "../../docs/assets/calc-state.mjs";

const DATA = {
  tiers: ["large", "huge", "especially_huge"],
  provinces: {
    浙江: { name: "浙江省", code: "330000", confidence: "VERIFIED", confidence_label: "已核对原文", from: "2011-04-08", floors: { large: 6000, huge: 100000, especially_huge: 500000 } },
    广东: { name: "广东省", code: "440000", confidence: "VERIFIED", confidence_label: "已核对原文", from: "2014-04-25", regions: [
      { code: "class1", label: "一类地区", cities: ["广州", "深圳"], floors: { large: 6000, huge: 100000, especially_huge: 500000 } },
      { code: "class2", label: "二类地区", cities: ["汕头"], floors: { large: 4000, huge: 80000, especially_huge: 500000 } },
    ] },
    北京: { name: "北京市", code: "110000", confidence: "REPORTED", confidence_label: "二手来源（待核实）", from: "2011-04-08", floors: { large: 5000, huge: 100000, especially_huge: 500000 } },
  },
};
const TODAY = "2026-11-27";

test("plain amounts are read exactly, in cents", () => {
  assert.equal(parsePlainAmount("3500"), 350000n);
  assert.equal(parsePlainAmount("3,500元"), 350000n);
  assert.equal(parsePlainAmount(" 1.2万 "), 1200000n);
  assert.equal(parsePlainAmount("1.2万元"), 1200000n);
  assert.equal(parsePlainAmount("5999.99"), 599999n);
  assert.equal(parsePlainAmount("1000000000000"), 100000000000000n);
});

test("anything else waits for Python", () => {
  for (const odd of ["", "0", "0.00", "-3500", "+3500", "3500.", "3500.001", "1e4", "３５００", "3 500", "3,50", "35,00", "人民币3500",
    "¥3500", "3500元元", "3500元万", "三千五", "1000000000000.01", "1" + "0".repeat(40), "3500" + "元".repeat(20000), "NaN", null, 3500]) {
    assert.equal(parsePlainAmount(odd), null, JSON.stringify(odd)?.slice(0, 40));
  }
});

test("one money format: 8,000 元, cents only when not zero", () => {
  assert.equal(yuan("8000.00"), "8,000 元");
  assert.equal(yuan(8000), "8,000 元");
  assert.equal(yuan("8000.5"), "8,000.50 元");
  assert.equal(yuan("1234567.89"), "1,234,567.89 元");
  assert.equal(yuan(""), "");
});

test("the URL is read raw: no prefix matching, long values dropped, unknown keys listed", () => {
  const u = readParams("?province=%E5%8C%97&region=%E6%B7%B1%E5%9C%B3&amount=3500&x=1&c=surrender,restitution");
  assert.equal(u.values.province, "北");
  assert.equal(u.values.region, "深圳");
  assert.deepEqual(u.codes, ["surrender", "restitution"]);
  assert.deepEqual(u.ignored, ["x"]);
  const long = readParams(`?amount=3500${"元".repeat(20000)}&province=浙江`);
  assert.equal(long.values.amount, undefined);
  assert.deepEqual(long.tooLong, ["amount"]);
  assert.equal(long.values.province, "浙江");
  assert.ok(readParams(`?amount=${"1".repeat(URL_CAPS.amount)}`).values.amount);
  assert.equal(readParams(`?c=${"a,".repeat(5000)}`).codes.length <= 40, true);
});

test("form state round-trips through the URL and becomes the engine's facts", () => {
  const s = { amount: "3500", claims: "", province: "北", region: "深圳", act: "2026-03-01", decision: "", known: "", discovery: "", attempt: true, codes: ["surrender"] };
  const p = stateToParams(s);
  assert.equal(p.get("province"), "北");
  assert.equal(p.get("attempt"), "1");
  const f = stateToFacts(s);
  assert.deepEqual(f, { amount: "3500", province: "北", region: "深圳", act_date: "2026-03-01", refund_obtained: false, circumstances: ["surrender"] });
});

test("provisional tier: compares the amount with the province's figures (inclusive)", () => {
  const f = (amount, more = {}) => provisional({ amount, province: "浙江", refund_obtained: true, ...more }, DATA, TODAY);
  assert.equal(f("5999.99").tier, "none");
  assert.equal(f("6000").tier, "large");
  assert.equal(f("10万").tier, "huge");
  assert.equal(f("500,000元").tier, "especially_huge");
  assert.equal(f("3500", { circumstances: ["surrender"] }).kind, "full");
  assert.equal(f("3500", { claims: "1;2" }), null);
  assert.equal(f("3500", { act_date: "2026-02-30" }), null);
  assert.equal(f("3500", { act_date: "2027-01-01" }), null);
  assert.equal(f("3500", { refund_obtained: "x" }), null);
  assert.equal(f("3,500元").kind, "tier");
});

test("provisional tier: REPORTED, no province, unknown province, cities, dates before the standard", () => {
  assert.equal(provisional({ amount: "3500", province: "北京" }, DATA, TODAY).kind, "full");
  assert.equal(provisional({ amount: "3500" }, DATA, TODAY).kind, "full");
  assert.equal(provisional({ amount: "3500", province: "北" }, DATA, TODAY), null);
  assert.equal(provisional({ amount: "3500", region: "深圳" }, DATA, TODAY), null);
  assert.equal(provisional({ amount: "5000", province: "广东", region: "汕头" }, DATA, TODAY).tier, "large");
  assert.equal(provisional({ amount: "5000", province: "广东", region: "深圳" }, DATA, TODAY).tier, "none");
  assert.equal(provisional({ amount: "5000", province: "广东" }, DATA, TODAY).kind, "full");
  assert.equal(provisional({ amount: "3000", province: "广东" }, DATA, TODAY).tier, "none");
  assert.equal(provisional({ amount: "5000", province: "广东", region: "深圳", act_date: "2013-01-01" }, DATA, TODAY).kind, "full");
});
