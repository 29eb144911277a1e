import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  CustomMachineLearningInstance,
  NotFoundError,
  SageMakerMachineLearningInstance,
  StateError,
  ValidationError,
  renderTableHtml,
  startLocalEngines,
  type LocalEngines,
} from "../../src/index";
import { RecordingOutput } from "../support/recording-output";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { closeTestClients, remoteTestClient } from "../support/test-client";

let engines: LocalEngines;
let postgres: TestPostgres;
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-dm-"));

before(async () => {
  engines = await startLocalEngines();
  postgres = await startTestPostgres();
});
after(async () => {
  await closeTestClients();
  await engines.stop();
  await postgres.stop();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

/** Every secret the tests hand to the library: none may ever come back out. */
function secrets(): string[] {
  return [engines.custom.password!, engines.sagemaker.secret_access_key, new URL(postgres.url).password].filter((s) => s && s.length > 3);
}

function assertNoSecret(text: string): void {
  for (const s of secrets()) assert.ok(!text.includes(s), `a secret leaked: …${text.slice(Math.max(0, text.indexOf(s) - 40), text.indexOf(s) + 10)}…`);
}

const setups: { name: string; client: (out: RecordingOutput) => Promise<APIClient> }[] = [
  {
    name: "embedded PGlite",
    client: async (out) => {
      const c = new APIClient({ in_memory: true }, out);
      await c.data_mart.setup();
      return c;
    },
  },
  {
    name: "PostgreSQL",
    client: async (out) => {
      const c = new APIClient({ in_memory: true }, out);
      await c.data_mart.setup({ db_credentials: { uri: postgres.url }, schema: `dm_test_${process.pid}` });
      return c;
    },
  },
  {
    name: "a data mart server (remote client)",
    client: async (out) => {
      const c = await remoteTestClient(out);
      await c.data_mart.setup();
      return c;
    },
  },
];

for (const setup of setups) {
  describe(`data mart on ${setup.name}`, () => {
    const out = new RecordingOutput();
    let client: APIClient;
    let uid: string;
    before(async () => {
      client = await setup.client(out);
    });
    after(async () => {
      await client.data_mart.delete({ background_mode: true });
      await client.close();
    });

    test("add returns a uid; list shows the v1 table", async () => {
      uid = await client.data_mart.bindings.add("My custom engine", new CustomMachineLearningInstance(engines.custom));
      assert.match(uid, /^[0-9a-f-]{36}$/);
      await client.data_mart.bindings.list();
      const table = out.lastTable();
      assert.equal(table.title, "Service bindings");
      assert.deepEqual(table.columns, ["uid", "name", "service_type", "created"]);
      assert.deepEqual(table.rows[0]!.slice(0, 3), [uid, "My custom engine", "custom_machine_learning"]);
    });

    test("newest binding first; filters narrow the rows and the title says so", async () => {
      const second = await client.data_mart.bindings.add("<script>alert('x')</script> & co", new CustomMachineLearningInstance({ url: "http://127.0.0.1:9" }));
      await client.data_mart.bindings.list();
      assert.equal(out.lastTable().rows[0]![0], second);
      assert.equal(out.lastTable().rows[1]![0], uid);
      const html = renderTableHtml(out.lastTable());
      assert.ok(!html.includes("<script>"), "binding names are escaped in HTML");
      assert.match(html, /&lt;script&gt;/);
      await client.data_mart.bindings.list({ name: "My custom engine" });
      assert.equal(out.lastTable().rows.length, 1);
      assert.match(out.lastTable().title, /Service bindings \(name='My custom engine'\)/);
      await client.data_mart.bindings.delete(second);
    });

    test("get_details: all bindings or one, in the {metadata, entity} shape, secrets masked", async () => {
      const all = (await client.data_mart.bindings.get_details()) as { service_bindings: { metadata: { guid: string } }[] };
      assert.deepEqual(all.service_bindings.map((b) => b.metadata.guid), [uid]);
      const one = (await client.data_mart.bindings.get_details(uid)) as { entity: { credentials: Record<string, unknown>; name: string } };
      assert.equal(one.entity.name, "My custom engine");
      assert.equal(one.entity.credentials.url, engines.custom.url);
      assert.equal(one.entity.credentials.password, "****");
      assertNoSecret(JSON.stringify(all) + JSON.stringify(one) + JSON.stringify(await client.data_mart.get_details()));
      assert.deepEqual(await client.data_mart.bindings.get_uids(), [uid]);
    });

    test("binding the same engine again (the same instance object, or a new one with the same URL and credentials) returns its uid with a warning", async () => {
      const instance = new CustomMachineLearningInstance({ ...engines.custom, request_headers: { "X-Tenant": "twice" } });
      const first = await client.data_mart.bindings.add("twice", instance);
      assert.notEqual(first, uid, "other request headers: another binding");
      const again = await client.data_mart.bindings.add("twice", instance);
      assert.equal(again, first);
      assert.match(out.warnings.at(-1)!, /already bound as 'twice'/);
      await client.data_mart.bindings.delete(first);
      assert.equal(await client.data_mart.bindings.add("same engine", new CustomMachineLearningInstance(engines.custom)), uid);
      assert.match(out.warnings.at(-1)!, /already bound as 'My custom engine'/);
    });

    test("list_assets asks the engine and shows what it serves", async () => {
      await client.data_mart.bindings.list_assets();
      const table = out.lastTable();
      assert.equal(table.title, "Available assets");
      assert.deepEqual(table.columns, ["source_uid", "name", "created", "type", "frameworks", "binding_uid", "is_subscribed"]);
      const uids = table.rows.map((r) => r[0]);
      assert.ok(uids.includes("credit") && uids.includes("iris"), `assets: ${uids.join(", ")}`);
      assert.ok(table.rows.every((r) => r[5] === uid && r[6] === false));
      await client.data_mart.bindings.list_assets({ binding_uid: uid });
      assert.equal(out.lastTable().title, `Available assets (binding_uid='${uid}')`);
      await client.data_mart.bindings.list_asset_deployments();
      assert.deepEqual(out.lastTable().columns, ["deployment_uid", "name", "created", "type", "parent_asset_uid", "is_subscribed"]);
      await client.data_mart.bindings.list_asset_deployments({ binding_uid: uid });
      assert.equal(out.lastTable().title, `Available asset deployments (binding_uid='${uid}')`);
      assert.deepEqual(out.lastTable().rows.map((r) => r[0]).sort(), ["credit", "iris"]);
      assert.deepEqual((await client.data_mart.bindings.get_asset_uids()).sort(), ["credit", "iris"]);
      const deployments = await client.data_mart.bindings.get_asset_deployment_details({ binding_uid: uid });
      assert.ok(deployments.every((d) => d.scoring_url.startsWith(engines.custom.url)));
    });

    test("one failing engine is a warning line; the others are still listed", async () => {
      const dead = await client.data_mart.bindings.add("Engine that is down", new CustomMachineLearningInstance({ url: "http://127.0.0.1:9" }));
      const before = out.warnings.length;
      const assets = await client.data_mart.bindings.get_asset_details();
      assert.deepEqual([...new Set(assets.map((a) => a.binding_uid))], [uid]);
      const warning = out.warnings.slice(before).join("\n");
      assert.match(warning, new RegExp(`Warning: Failure during getting artifacts for binding: ${dead} \\(Engine that is down\\)`));
      assert.match(warning, /127\.0\.0\.1:9/);
      await client.data_mart.bindings.delete(dead);
    });

    test("unknown and deleted uids are NotFoundError naming the uid", async () => {
      await assert.rejects(client.data_mart.bindings.get_details("no-such-uid"), (e: unknown) => e instanceof NotFoundError && /no-such-uid/.test((e as Error).message));
      const temp = await client.data_mart.bindings.add("temporary", new CustomMachineLearningInstance({ url: "http://127.0.0.1:9" }));
      assert.notEqual(temp, uid);
      await client.data_mart.bindings.delete(temp);
      for (const call of [
        () => client.data_mart.bindings.get_details(temp),
        () => client.data_mart.bindings.delete(temp),
        () => client.data_mart.bindings.list_assets({ binding_uid: temp }),
      ]) {
        await assert.rejects(call(), NotFoundError);
      }
    });

    test("bad binding input is rejected and nothing is written", async () => {
      const before = await client.data_mart.bindings.get_uids();
      const instance = new CustomMachineLearningInstance(engines.custom);
      const bad: [() => Promise<unknown>, RegExp][] = [
        [() => client.data_mart.bindings.add("", instance), /name: must not be empty/],
        [() => client.data_mart.bindings.add("   ", instance), /name: must not be empty/],
        [() => client.data_mart.bindings.add("x".repeat(10_000), instance), /name: is too long/],
        [() => client.data_mart.bindings.add("line\nbreak", instance), /control characters/],
        [() => client.data_mart.bindings.add(42 as never, instance), /name: expected the binding name as a string/],
        [() => client.data_mart.bindings.add("ok", { url: engines.custom.url } as never), /instance: expected an engine instance object/],
        [() => client.data_mart.bindings.add("ok", undefined as never), /instance: expected an engine instance object/],
        [() => client.data_mart.bindings.list({ limit: -1 }), /limit/],
        [() => client.data_mart.bindings.list({ colour: "red" }), /colour/],
      ];
      for (const [call, message] of bad) {
        await assert.rejects(call(), (e: unknown) => e instanceof ValidationError && message.test((e as Error).message), String(message));
      }
      assert.deepEqual(await client.data_mart.bindings.get_uids(), before);
    });

    test("secrets never reach tables, details, warnings or printed objects", async () => {
      const sm = await client.data_mart.bindings.add(
        "SageMaker",
        new SageMakerMachineLearningInstance(engines.sagemaker),
      );
      await client.data_mart.bindings.list();
      await client.data_mart.bindings.list_assets();
      const everything = [
        ...out.tables.map((t) => renderTableHtml(t)),
        ...out.warnings,
        ...out.lines,
        JSON.stringify(await client.data_mart.bindings.get_details()),
        JSON.stringify(await client.data_mart.get_details()),
        inspect(client, { depth: 10 }),
      ].join("\n");
      assertNoSecret(everything);
      const details = (await client.data_mart.bindings.get_details(sm)) as { entity: { credentials: Record<string, string> } };
      assert.equal(details.entity.credentials.access_key_id, engines.sagemaker.access_key_id);
      assert.equal(details.entity.credentials.secret_access_key, "****");
      await client.data_mart.bindings.delete(sm);
    });
  });
}

describe("the data mart's life cycle", () => {
  test("calls before setup() say to call setup()", async () => {
    const client = new APIClient({ in_memory: true }, new RecordingOutput());
    await assert.rejects(client.data_mart.bindings.list(), (e: unknown) => e instanceof StateError && /client\.data_mart\.setup\(\)/.test((e as Error).message));
  });

  test("a reopened client sees the same data mart without calling setup again", async () => {
    const dir = path.join(tempDir, "reopen");
    const first = new APIClient({ data_dir: dir }, new RecordingOutput());
    await first.data_mart.setup();
    const uid = await first.data_mart.bindings.add("kept", new CustomMachineLearningInstance(engines.custom));
    const id = (await first.data_mart.get_details()).data_mart_id;
    await first.close();

    const out = new RecordingOutput();
    const second = new APIClient({ data_dir: dir }, out);
    assert.deepEqual(await second.data_mart.bindings.get_uids(), [uid]);
    assert.equal((await second.data_mart.get_details()).data_mart_id, id);
    await second.data_mart.setup();
    assert.match(out.warnings.join("\n"), /Warning during setup of data mart/);
    await second.data_mart.delete();
    assert.match(out.lines.join("\n"), /Successfully deleted data mart/);
    await assert.rejects(second.data_mart.bindings.list(), StateError);
    assert.equal(fs.existsSync(path.join(dir, "db")), false);
    await second.close();
  });

  test("a reopened client finds its PostgreSQL data mart too", async () => {
    const dir = path.join(tempDir, "reopen-pg");
    const schema = `dm_reopen_${process.pid}`;
    const first = new APIClient({ data_dir: dir }, new RecordingOutput());
    await first.data_mart.setup({ db_credentials: postgres.url, schema });
    const uid = await first.data_mart.bindings.add("kept", new CustomMachineLearningInstance(engines.custom));
    await first.close();
    const second = new APIClient({ data_dir: dir }, new RecordingOutput());
    assert.deepEqual(await second.data_mart.bindings.get_uids(), [uid]);
    const details = await second.data_mart.get_details();
    assert.equal((details.database_configuration as { location: { schema: string } }).location.schema, schema);
    assertNoSecret(JSON.stringify(details));
    await second.data_mart.delete({ background_mode: true });
    await second.close();
  });

  test("setup input is validated before anything is written", async () => {
    const dir = path.join(tempDir, "bad-setup");
    const client = new APIClient({ data_dir: dir }, new RecordingOutput());
    const bad: [unknown, RegExp][] = [
      [{ db_credentials: postgres.url, schema: "drop table x;" }, /schema: is not a plain SQL identifier/],
      [{ db_credentials: postgres.url, schema: "1abc" }, /schema/],
      [{ schema: "abc" }, /schema: a schema applies to PostgreSQL only/],
      [{ internal_db: true, db_credentials: postgres.url }, /not both/],
      [{ db_credentials: { uri: "mysql://x" } }, /db_credentials\.uri/],
      [{ internal_db: "yes" }, /internal_db/],
      [{ dbcredentials: postgres.url }, /unknown field 'dbcredentials'/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(client.data_mart.setup(options as never), (e: unknown) => e instanceof ValidationError && message.test((e as Error).message), String(message));
    }
    assert.equal(fs.existsSync(dir), false, "nothing was written");
  });

  test("an unreachable PostgreSQL fails setup cleanly and leaves no data mart behind", async () => {
    const dir = path.join(tempDir, "unreachable");
    const client = new APIClient({ data_dir: dir }, new RecordingOutput());
    await assert.rejects(client.data_mart.setup({ db_credentials: "postgres://u:pw-123456@127.0.0.1:1/db" }), /refused the connection/);
    await assert.rejects(client.data_mart.bindings.list(), StateError);
  });

  test("a data mart set up on one database refuses a second setup elsewhere", async () => {
    const client = new APIClient({ in_memory: true }, new RecordingOutput());
    try {
      await client.data_mart.setup();
      await assert.rejects(client.data_mart.setup({ db_credentials: postgres.url, schema: "elsewhere" }), StateError);
    } finally {
      await client.close();
    }
  });

  test("client options are validated", () => {
    assert.throws(() => new APIClient({ datadir: "x" } as never), /unknown field 'datadir'/);
    assert.throws(() => new APIClient({ engine_timeout_ms: -5 }), /engine_timeout_ms/);
  });

  test("client.version is the package version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { version: string };
    assert.equal(new APIClient({ in_memory: true }).version, pkg.version);
  });
});

describe("engine faults during asset discovery", () => {
  test("an engine answering 500 is named with its URL in the warning", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"errors":[{"message":"model store unavailable"}]}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = new RecordingOutput();
    const client = new APIClient({ in_memory: true, engine_retries: 0 }, out);
    await client.data_mart.setup();
    const uid = await client.data_mart.bindings.add("Broken engine", new CustomMachineLearningInstance({ url }));
    assert.deepEqual(await client.data_mart.bindings.get_asset_details(), []);
    assert.match(out.warnings.join("\n"), new RegExp(`${uid}.*${url.replace(/\./g, "\\.")}`, "s"));
    await assert.rejects(client.data_mart.bindings.list_assets({ binding_uid: uid }), /500|model store unavailable/);
    server.close();
    await client.close();
  });
});
