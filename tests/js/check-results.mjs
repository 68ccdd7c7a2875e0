// Used by tests/test_result_shape.py: reads a JSON array of engine results on stdin and prints the
// places where they differ from RESULT_SHAPE (docs/assets/result-types.mjs), one per line.
import { checkShape } from "../../docs/assets/result-types.mjs";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const problems = JSON.parse(input).flatMap((r, i) => checkShape(r).map((p) => `result ${i}: ${p}`));
process.stdout.write(problems.join("\n"));
process.exitCode = problems.length ? 1 : 0;
