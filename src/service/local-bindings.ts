/**
 * Service bindings of the in-process data mart: the engines it may call, their sealed secrets, and one adapter per
 * binding (made on first use, so its token cache lives as long as the data mart is open).
 */
import { randomUUID } from "node:crypto";
import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "../engines/adapter";
import { createAdapter } from "../engines/registry";
import { NotFoundError, ValidationError } from "../errors";
import type { SecretBox } from "../store/secret-box";
import type { Store } from "../store/store";
import { openBindingSecrets, sealBindingSecrets, toBindingResource as toResource, type BindingRow } from "./binding-credentials";
import { sameEngine } from "./data-mart-details";
import type { MlInstanceDeployments, ServiceBinding, ServiceBindingCreateOutcome, ServiceBindingCreateRequest } from "./resources";
import { validateBindingRequest } from "./validate-requests";

export interface LocalBindingsContext {
  store: () => Promise<Store>;
  dataMartId: () => string;
  secrets: () => SecretBox;
  engine?: AdapterOptions | undefined;
  /** Drops the payload and feedback tables of the binding's subscriptions before the binding goes. */
  dropTablesOf: (binding_uid: string) => Promise<void>;
}

export class LocalBindings {
  readonly #adapters = new Map<string, EngineAdapter>();
  readonly #deployments = new Map<string, Promise<EngineDeployment[]>>();

  constructor(private readonly context: LocalBindingsContext) {}

  async create(request: ServiceBindingCreateRequest): Promise<ServiceBindingCreateOutcome> {
    const valid = validateBindingRequest(request);
    const box = this.context.secrets(); // a malformed or unreadable key fails here, before the engine is asked
    const store = await this.context.store();
    const [existing] = await sameEngine(store, valid, box);
    if (!existing) {
      // Wrong keys fail here, with the engine's own answer, and nothing is stored.
      const credentials = { ...valid.credentials, ...(valid.request_headers ? { request_headers: valid.request_headers } : {}) };
      await createAdapter(valid.service_type, credentials, this.context.engine).verifyCredentials?.();
    }
    return store.transaction(async (tx) => {
      const existing = await sameEngine(tx, valid, box);
      if (existing[0]) return { created: false, binding: toResource(existing[0], this.context.dataMartId()) };
      const guid = randomUUID();
      const sealed = sealBindingSecrets(box, guid, {
        credentials: valid.credentials,
        ...(valid.request_headers ? { request_headers: valid.request_headers } : {}),
      });
      const rows = await tx.query<BindingRow>(
        `INSERT INTO service_bindings (guid, name, service_type, instance_id, credentials, request_headers, sealed_credentials)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [guid, valid.name, valid.service_type, valid.instance_id, sealed.credentials, sealed.request_headers, sealed.sealed_credentials],
      );
      return { created: true, binding: toResource(rows[0]!, this.context.dataMartId()) };
    });
  }

  async list(): Promise<{ service_bindings: ServiceBinding[] }> {
    const store = await this.context.store();
    const rows = await store.query<BindingRow>("SELECT * FROM service_bindings ORDER BY created_at DESC, guid");
    return { service_bindings: rows.map((row) => toResource(row, this.context.dataMartId())) };
  }

  async get(binding_uid: string): Promise<ServiceBinding> {
    return toResource(await this.row(binding_uid), this.context.dataMartId());
  }

  async delete(binding_uid: string): Promise<void> {
    const row = await this.row(binding_uid);
    await this.context.dropTablesOf(row.guid);
    await (await this.context.store()).query("DELETE FROM service_bindings WHERE guid = $1", [row.guid]);
    this.#adapters.delete(row.guid);
    this.#deployments.delete(row.guid);
  }

  async deployments(binding_uid: string): Promise<MlInstanceDeployments> {
    const row = await this.row(binding_uid);
    const deployments = await this.adapterFor(row).listDeployments();
    return { binding_uid: row.guid, deployments };
  }

  async score(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues> {
    const row = await this.row(binding_uid);
    const adapter = this.adapterFor(row);
    // The listing is remembered per binding; an unknown deployment makes it ask the engine again.
    const find = async (fresh: boolean) => {
      if (fresh || !this.#deployments.has(row.guid)) this.#deployments.set(row.guid, adapter.listDeployments());
      return (await this.#deployments.get(row.guid)!).find((d) => d.deployment_id === deployment_id);
    };
    const deployment = (await find(false).catch(() => undefined)) ?? (await find(true));
    if (!deployment) throw new NotFoundError("deployment", deployment_id, `on binding '${row.guid}' (${row.name}): the engine does not serve it (any more).`);
    return adapter.score(deployment, payload);
  }

  async row(binding_uid: string): Promise<BindingRow> {
    if (typeof binding_uid !== "string" || binding_uid.trim() === "") {
      throw new ValidationError("binding uid", [
        { path: "binding_uid", message: "expected the uid string that bindings.add() returned (see bindings.list())" },
      ]);
    }
    const rows = await (await this.context.store()).query<BindingRow>("SELECT * FROM service_bindings WHERE guid = $1", [binding_uid]);
    if (!rows[0]) {
      throw new NotFoundError("service binding", binding_uid, "See the existing ones with `client.data_mart.bindings.list()`.");
    }
    return rows[0];
  }

  /** Forgets the adapters (and their tokens): the data mart is closing. */
  clear(): void {
    this.#adapters.clear();
    this.#deployments.clear();
  }

  private adapterFor(row: BindingRow): EngineAdapter {
    let adapter = this.#adapters.get(row.guid);
    if (!adapter) {
      const secrets = openBindingSecrets(this.context.secrets(), row);
      const credentials = { ...secrets.credentials, ...(secrets.request_headers ? { request_headers: secrets.request_headers } : {}) };
      adapter = createAdapter(row.service_type, credentials, this.context.engine);
      this.#adapters.set(row.guid, adapter);
    }
    return adapter;
  }
}
