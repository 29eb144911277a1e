import fs from "node:fs";
import path from "node:path";
import { ValidationError } from "../errors";
import { isEmbeddedStoreOpen } from "./embedded-stores";
import type { PostgresCredentials } from "./postgres-credentials";

/** Where a data mart's data lives: the embedded database, or a schema on a PostgreSQL server. */
export type DatabaseChoice =
  | { database_type: "internal" }
  | { database_type: "postgresql"; credentials: PostgresCredentials; schema: string; name?: string };

/** The record a client reads to find its data mart again, without calling `setup()` a second time. */
export interface DataMartPointer {
  data_mart_id: string;
  created_at: string;
  database: DatabaseChoice;
}

/** Keeps the pointer (and, for the embedded database, its files) in a folder or in memory. */
export interface DataMartLocation {
  read(): DataMartPointer | undefined;
  write(pointer: DataMartPointer): void;
  clear(): void;
  /** The embedded database's folder, or undefined for an in-memory one. */
  readonly embeddedDir: string | undefined;
  describe(): string;
}

const POINTER_FILE = "datamart.json";

/** A data mart kept in a folder (default `./.openscale`): `datamart.json` plus the embedded database in `db/`. */
export class FolderLocation implements DataMartLocation {
  readonly embeddedDir: string;

  constructor(readonly folder: string) {
    this.embeddedDir = path.join(folder, "db");
    this.checkFolder();
  }

  read(): DataMartPointer | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.folder, POINTER_FILE), "utf8")) as DataMartPointer;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      if ((error as NodeJS.ErrnoException).code === "ENOTDIR") this.checkFolder();
      throw error;
    }
  }

  /** A data_dir that is a file (or under one) fails here, by name, not later with a bare ENOTDIR. */
  private checkFolder(): void {
    let blocker = path.resolve(this.folder);
    while (!fs.existsSync(blocker) && path.dirname(blocker) !== blocker) blocker = path.dirname(blocker);
    if (fs.existsSync(blocker) && !fs.statSync(blocker).isDirectory()) {
      const which = blocker === path.resolve(this.folder) ? "is a file" : `is inside ${blocker}, which is a file`;
      throw new ValidationError("APIClient options", [
        {
          path: "data_dir",
          message: `${path.resolve(this.folder)} ${which}, not a folder: give a folder path (it is created when missing), such as "./.openscale", or move the file away`,
        },
      ]);
    }
  }

  /** Written atomically and readable by the owner only: it may hold database credentials. */
  write(pointer: DataMartPointer): void {
    fs.mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    const file = path.join(this.folder, POINTER_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(pointer, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, file);
  }

  clear(): void {
    fs.rmSync(path.join(this.folder, POINTER_FILE), { force: true });
    // Another client of this process still has the database open (its tables are dropped): its files stay.
    if (!isEmbeddedStoreOpen(this.embeddedDir)) fs.rmSync(this.embeddedDir, { recursive: true, force: true });
  }

  describe(): string {
    return path.resolve(this.folder);
  }
}

/** A data mart that lives as long as the client: for tests and quick looks. */
export class MemoryLocation implements DataMartLocation {
  readonly embeddedDir = undefined;
  private pointer: DataMartPointer | undefined;

  read(): DataMartPointer | undefined {
    return this.pointer;
  }

  write(pointer: DataMartPointer): void {
    this.pointer = structuredClone(pointer);
  }

  clear(): void {
    this.pointer = undefined;
  }

  describe(): string {
    return "memory";
  }
}
