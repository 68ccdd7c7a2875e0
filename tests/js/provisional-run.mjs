// Used by tests/test_provisional_parity.py: reads {data, today, facts: [...]} as JSON on stdin and
// prints one provisional answer per facts object (null, or {kind, tier}) as a JSON array.
import { provisional } from "../../docs/assets/calc-state.mjs";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const { data, today, facts } = JSON.parse(input);
const out = facts.map((f) => {
  const p = provisional(f, data, today);
  return p && { kind: p.kind, tier: p.tier ?? null };
});
process.stdout.write(JSON.stringify(out));
