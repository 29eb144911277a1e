/**
 * SQL and HTML metacharacters, odd Unicode and path tricks in every path parameter of every route of the table
 * (src/service/routes.ts, v1's nested forms too) and in the strings of request bodies: never a 500; a path answers 400
 * or 404 and the data mart's tables are intact afterwards; a body string is stored and read back byte for byte, and
 * escaped where a table shows it as HTML.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { APIClient, CustomMachineLearningAsset, ProblemType } from "../../src/index";
import { renderTableHtml } from "../../src/display/index";
import { dataMartSchema } from "../../src/server/data-marts";
import { pathParameters, ROUTES } from "../../src/service/routes";
import { RecordingOutput } from "../support/recording-output";
import { assertV1Error, startServedMart, type ServedMart } from "../support/served-mart";

let mart: ServedMart;
before(async () => {
  mart = await startServedMart("hostile");
});
after(async () => {
  await mart?.stop();
});

const HOSTILE = [
  "x'; DROP TABLE bindings; --",
  "\" OR \"1\"=\"1",
  "1; DELETE FROM subscriptions",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>&amp;",
  "../..",
  "..\\..\\windows",
  "%00%27",
  "$1 $$ \\x27",
  "dm_x.data_mart",
  "ẞ\u200b\u202eevil𝕏🙂",
  "\uFEFF\u0085",
  "a".repeat(1000),
];

/** The data mart's tables and their rows, read straight from the database. */
async function tables(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: mart.postgres.url });
  await client.connect();
  try {
    const schema = dataMartSchema(mart.dm);
    const names = (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", [schema])).rows.map((r) => r.tablename);
    const counts: Record<string, number> = {};
    for (const name of names) counts[name] = Number((await client.query(`SELECT count(*) AS n FROM "${schema}"."${name}"`)).rows[0].n);
    return counts;
  } finally {
    await client.end();
  }
}

/** Every route as the server serves it: the table's paths and v1's nested forms. */
const served = ROUTES.flatMap((route) => [
  { route, path: route.path },
  ...(route.nested ? [{ route, path: route.path.replace("/subscriptions/:s", "/service_bindings/:b/subscriptions/:s") }] : []),
]);

describe("hostile strings", () => {
  test("in every path parameter and query parameter of every route: 400 or 404, never a 500; the data mart intact", { timeout: 300_000 }, async () => {
    const before = await tables();
    assert.ok(Object.keys(before).length >= 5, `the data mart's tables: ${Object.keys(before).join(", ")}`);
    const seen = new Map<number, number>();
    for (const { route, path } of served) {
      const params = pathParameters({ ...route, path });
      for (const hostile of HOSTILE) {
        // With no parameter but the data mart, the hostile string goes there (never the real data mart: DELETE).
        const url = path.replace(/:(\w+)/g, (_, name: string) => (name === "dm" && params.length ? mart.dm : encodeURIComponent(hostile)));
        const query = (route.rest ?? []).flatMap((place) => (place === "query" ? ["subscription_id", "limit", "monitor_definition_id", "binding_id"] : place === "body" ? [] : [place.query]));
        const search = query.length ? `?${query.map((q) => `${q}=${encodeURIComponent(hostile)}`).join("&")}` : "";
        const body = route.rest?.includes("body") ? (route.binary === "request" ? { raw: Buffer.from(hostile), contentType: "application/octet-stream" } : { body: route.method === "storeScoringPayloads" || route.method === "storeMeasurements" || route.method === "updateSubscription" ? [] : {} }) : {};
        const r = await mart.call(route.verb, `${url}${search}`, { key: mart.keys.admin, ...body });
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        const what = `${route.verb} ${path} with ${JSON.stringify(hostile.slice(0, 40))}`;
        // 414 for a segment longer than any id (the router's limit), else 400 or 404.
        const expected = hostile.length > 100 ? [414] : [400, 404];
        assert.ok(expected.includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
        assertV1Error(r, r.status, what);
      }
    }
    assert.ok((seen.get(404) ?? 0) > 0 && (seen.get(400) ?? 0) > 0, `statuses: ${JSON.stringify([...seen])}`);
    const badEscape = await mart.call("GET", `/v1/data_marts/${mart.dm}/service_bindings/%E0%A4%A`, { key: mart.keys.admin });
    assert.match(assertV1Error(badEscape, 400, "a malformed %-escape"), /encodeURIComponent/);
    assert.deepEqual(await tables(), before, "every table of the data mart there, with the same rows");
    const still = await mart.call("GET", `/v1/data_marts/${mart.dm}/subscriptions/${mart.subscription_uid}`, { key: mart.keys.viewer });
    assert.equal(still.status, 200);
    const logged = await mart.call("POST", `/v1/data_marts/${mart.dm}/scoring_payloads`, { key: mart.keys.ingest, body: [mart.record("after-the-hostile-paths")] });
    assert.equal(logged.status, 202, JSON.stringify(logged.body));
  });

  test("in body strings: a binding's name, a monitor definition's, a subscription's columns and payload values: stored and read back byte for byte", async () => {
    const hostileName = "O'Brien\"; DROP TABLE bindings; -- <b>&amp;</b> \\ ẞ🙂";
    const binding = await mart.call("POST", `/v1/data_marts/${mart.dm}/service_bindings`, {
      key: mart.keys.admin,
      body: { name: hostileName, service_type: "custom_machine_learning", instance_id: "i'd; --<x>", credentials: { ...mart.engines.custom, request_headers: { "x-note": "a'b; --<c>" } } },
    });
    assert.equal(binding.status, 201, JSON.stringify(binding.body));
    const read = await mart.call("GET", `/v1/data_marts/${mart.dm}/service_bindings/${binding.body.metadata.guid}`, { key: mart.keys.viewer });
    assert.equal(read.body.entity.name, hostileName);
    assert.equal(read.body.entity.instance_id, "i'd; --<x>");

    const definition = await mart.call("POST", `/v1/data_marts/${mart.dm}/monitor_definitions`, {
      key: mart.keys.admin,
      body: { name: "<Mon'itor>; --", description: "a \"quoted\" & <tagged> \\ description", metrics: [{ name: "m'1<x>", thresholds: [{ type: "lower_limit", default: 0.5 }] }] },
    });
    assert.ok(definition.status === 201 || definition.status === 400, JSON.stringify(definition.body));
    if (definition.status === 201) {
      const got = await mart.call("GET", `/v1/data_marts/${mart.dm}/monitor_definitions/${encodeURIComponent(definition.body.metadata.guid)}`, { key: mart.keys.viewer });
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.equal(got.body.entity.name, "<Mon'itor>; --");
      assert.equal(got.body.entity.description, "a \"quoted\" & <tagged> \\ description");
    } else assert.match(assertV1Error(definition, 400, "a monitor definition's name"), /name/);

    const columns = ["it's", "say \"hi\"", "a;b--c", "<td>x</td>", "R&D", "back\\slash", "DROP TABLE payload; --"];
    // A subscription of another asset whose columns are those names, made over REST (the client would first check
    // them against the deployed model's inputs).
    const existing = (await mart.call("GET", `/v1/data_marts/${mart.dm}/subscriptions/${mart.subscription_uid}`, { key: mart.keys.viewer })).body.entity;
    const { input_data_schema: _i, output_data_schema: _o, training_data_schema: _t, ...properties } = existing.asset_properties;
    const created = await mart.call("POST", `/v1/data_marts/${mart.dm}/service_bindings/${mart.binding_uid}/subscriptions`, {
      key: mart.keys.admin,
      body: { asset: { ...existing.asset, asset_id: "hostile-asset", name: "<i>hostile</i> 'asset'" }, asset_properties: { ...properties, feature_fields: columns, categorical_fields: columns.slice(0, 4) }, deployments: existing.deployments },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const subscription = { uid: created.body.metadata.guid as string };
    const logging = await mart.call("PUT", `/v1/data_marts/${mart.dm}/subscriptions/${subscription.uid}/configurations/payload_logging`, { key: mart.keys.admin, body: { enabled: true } });
    assert.equal(logging.status, 200, JSON.stringify(logging.body));
    const values = [
      ["'; DROP TABLE subscriptions; --", "\"double\"", "<script>alert(1)</script>", "&lt;&amp;", 1.5, 2, -3],
      ["back\\slash\\", "semi;colon--", "tab\there", "ẞ🙂\u202e", 0, 1e-9, 42],
    ];
    const record = { subscription_id: subscription.uid, scoring_id: "hostile'<1>", request: { fields: columns, values }, response: { fields: ["prediction", "probability"], values: [["<b>Risk</b>", [0.4, 0.6]], ["No'Risk", [0.9, 0.1]]] } };
    const stored = await mart.call("POST", `/v1/data_marts/${mart.dm}/scoring_payloads`, { key: mart.keys.ingest, body: [record] });
    assert.equal(stored.status, 202, JSON.stringify(stored.body));
    const page = await mart.call("GET", `/v1/data_marts/${mart.dm}/scoring_transactions?subscription_id=${subscription.uid}&limit=10`, { key: mart.keys.viewer });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    const rows = (page.body.values as unknown[][]).map((row) => Object.fromEntries((page.body.fields as string[]).map((f, i) => [f, row[i]])));
    rows.sort((a, b) => String(a.scoring_id).localeCompare(String(b.scoring_id)));
    assert.deepEqual(rows.map((r) => r.scoring_id), ["hostile'<1>-1", "hostile'<1>-2"]);
    for (const [i, row] of rows.entries()) {
      assert.deepEqual(columns.map((c) => row[c]), values[i], `row ${i}: every value as sent`);
      assert.equal(row.prediction, record.response.values[i]![0]);
    }
  });

  test("where a table shows those strings as HTML, they are escaped", async () => {
    const out = new RecordingOutput();
    const client = new APIClient({ url: mart.url, apikey: mart.keys.viewer, instance_guid: mart.dm }, out);
    await client.data_mart.bindings.list();
    const bindings = renderTableHtml(out.lastTable());
    assert.ok(bindings.includes("O&#39;Brien&quot;; DROP TABLE bindings; -- &lt;b&gt;&amp;amp;&lt;/b&gt; \\ ẞ🙂"), bindings);
    const [uid] = (await client.data_mart.subscriptions.get_uids()).filter((u) => u !== mart.subscription_uid);
    await (await client.data_mart.subscriptions.get(uid!)).payload_logging.show_table();
    const payloads = renderTableHtml(out.lastTable());
    for (const raw of ["<script>", "<td>x</td>", "<b>Risk</b>"]) assert.ok(!payloads.includes(raw), `${raw} unescaped in ${payloads}`);
    for (const escaped of ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;td&gt;x&lt;/td&gt;", "&lt;b&gt;Risk&lt;/b&gt;", "&amp;lt;&amp;amp;", "it&#39;s", "say &quot;hi&quot;", "R&amp;D"]) {
      assert.ok(payloads.includes(escaped), `${escaped} in ${payloads}`);
    }
    await client.close();
  });
});
