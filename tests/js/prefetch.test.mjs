// The warm-start prefetch's decision (docs/assets/prefetch.mjs): only fast Wi-Fi/Ethernet without Save-Data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MIN_DOWNLINK_MBPS, prefetchAllowed } from "../../docs/assets/prefetch.mjs";

const FAST_WIFI = { type: "wifi", effectiveType: "4g", downlink: 10, saveData: false };

test("fast Wi-Fi or Ethernet without Save-Data may prefetch", () => {
  assert.deepEqual(prefetchAllowed(FAST_WIFI), { ok: true, why: "" });
  assert.equal(prefetchAllowed({ ...FAST_WIFI, type: "ethernet" }).ok, true);
  assert.equal(prefetchAllowed({ ...FAST_WIFI, downlink: undefined }).ok, true); // not reported
  assert.equal(prefetchAllowed({ ...FAST_WIFI, downlink: MIN_DOWNLINK_MBPS }).ok, true);
});

test("never on cellular, unknown, slow or Save-Data connections", () => {
  const cases = [
    [undefined, "no-connection-info"],
    [null, "no-connection-info"],
    [{ ...FAST_WIFI, saveData: true }, "save-data"],
    [{ ...FAST_WIFI, type: "cellular" }, "type-cellular"],
    [{ ...FAST_WIFI, type: undefined }, "type-unknown"], // desktop Chrome: says nothing about the network
    [{ ...FAST_WIFI, type: "unknown" }, "type-unknown"],
    [{ ...FAST_WIFI, type: "bluetooth" }, "type-bluetooth"],
    [{ ...FAST_WIFI, effectiveType: "3g" }, "slow-3g"],
    [{ ...FAST_WIFI, effectiveType: undefined }, "slow-unknown"],
    [{ ...FAST_WIFI, downlink: MIN_DOWNLINK_MBPS - 0.1 }, "slow-downlink"],
  ];
  for (const [conn, why] of cases) assert.deepEqual(prefetchAllowed(conn), { ok: false, why }, JSON.stringify(conn));
});
