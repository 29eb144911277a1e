import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { snapshotFile } from "./pglite-snapshot";
import { isAlive } from "./process-alive";

/**
 * A spare data folder: the snapshot (see ./pglite-snapshot) already unpacked, beside it in the cache. Unpacking is
 * what a new data mart's time goes to (about 430 files, each costing about a millisecond to create on a plain disk),
 * so a new data mart takes the spare with one `rename` (atomic: of two processes, one gets it, the other unpacks the
 * snapshot as before) and a detached child unpacks the next spare, which does not hold the process.
 *
 * Safety: a spare is named after its snapshot (PGlite version, snapshot format and migrations), so a spare of other
 * migrations is never taken; it is unpacked into a temporary folder and renamed to its name only once complete, so a
 * half-unpacked spare is never taken either; leftovers (of a child that was killed, or of other snapshots) are
 * claimed by rename before they are removed, so nothing is removed while another process takes it.
 */

const TEMP_MARK = ".unpacking-";
const TRASH_MARK = ".trash-";

/** Whether a complete spare is ready and no child is unpacking one (benchmarks wait for this). */
export function spareSettled(snapshot: string = snapshotFile()): boolean {
  const spare = spareDir(snapshot);
  try {
    const busy = fs.readdirSync(path.dirname(snapshot)).some((name) => name.startsWith(`${path.basename(spare)}${TEMP_MARK}`));
    return !busy && fs.existsSync(spare);
  } catch {
    return false;
  }
}

/** The spare folder of a snapshot file: its name without `.tar`, plus `.spare`. */
export function spareDir(snapshot: string = snapshotFile()): string {
  return snapshot.replace(/\.tar$/, ".spare");
}

/**
 * Moves the spare into place as `dataDir` (which must be missing or an empty folder). Returns whether it did; when
 * it did not (no spare yet, another process took it, the cache is on another filesystem), the caller unpacks the
 * snapshot itself.
 */
export function takeSpare(dataDir: string): boolean {
  if (sparesDisabled()) return false;
  const spare = spareDir();
  try {
    if (fs.existsSync(dataDir)) fs.rmdirSync(dataDir); // fails unless empty: nothing of a data mart is ever removed
    fs.renameSync(spare, dataDir);
  } catch {
    return false;
  }
  try {
    fs.chmodSync(dataDir, 0o700);
  } catch {
    // made 0700 when it was unpacked; PGliteStore makes it so again when it opens
  }
  return true;
}

/**
 * Starts a detached child that unpacks the next spare, when the snapshot is cached and no spare is ready. The child
 * runs at the lowest priority and is not waited for: this process exits whenever it would have.
 */
export function refillSpareInBackground(): void {
  const snapshot = snapshotFile();
  if (sparesDisabled() || fs.existsSync(spareDir(snapshot)) || !fs.existsSync(snapshot)) return;
  try {
    const loader = __filename.endsWith(".ts") ? ["--import", "tsx"] : [];
    const child = spawn(process.execPath, [...loader, __filename, "fill-spare", snapshot], {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    child.on("error", () => undefined);
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, 19);
      } catch {
        // priority only spares the foreground some CPU
      }
    }
    child.unref();
  } catch {
    // no spare: the next new data mart unpacks the snapshot itself
  }
}

/** OPENSCALE_NO_SPARE=1: every new data mart unpacks the snapshot itself (for measuring, or a read-only cache). */
function sparesDisabled(): boolean {
  return process.env.OPENSCALE_NO_SPARE === "1";
}

/**
 * Unpacks `snapshot` into its spare folder, unless one is there. Synchronous: it runs in the child started by
 * `refillSpareInBackground`, or at `npm run build`. Returns whether a spare is ready.
 */
export function fillSpare(snapshot: string = snapshotFile()): boolean {
  const spare = spareDir(snapshot);
  removeLeftovers(path.dirname(snapshot), spare);
  if (fs.existsSync(spare)) return true;
  const temp = `${spare}${TEMP_MARK}${process.pid}`;
  try {
    fs.rmSync(temp, { recursive: true, force: true });
    fs.mkdirSync(temp, { mode: 0o700 });
    unpackTar(fs.readFileSync(snapshot), temp);
    fs.renameSync(temp, spare); // fails when another process filled it meanwhile: one spare is enough
    return true;
  } catch {
    fs.rmSync(temp, { recursive: true, force: true });
    return fs.existsSync(spare);
  }
}

/** Removes unpacking folders of processes that are gone, and spares of other snapshots, each claimed by rename first. */
function removeLeftovers(cache: string, spare: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(cache);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(cache, name);
    const unpacking = name.match(/\.spare\.unpacking-(\d+)$/);
    const stale = (unpacking && !isAlive(Number(unpacking[1]))) || (name.endsWith(".spare") && full !== spare) || name.includes(`.spare${TRASH_MARK}`);
    if (!stale) continue;
    const trash = name.includes(TRASH_MARK) ? full : `${full}${TRASH_MARK}${process.pid}-${Date.now()}`;
    try {
      if (trash !== full) fs.renameSync(full, trash);
      fs.rmSync(trash, { recursive: true, force: true });
    } catch {
      // taken or removed by another process meanwhile
    }
  }
}

/**
 * Writes the regular files and folders of a ustar archive (what PGlite's `dumpDataDir` makes and its `loadDataDir`
 * reads: the same two entry types) under `dest`, files 0600 and folders 0700. Any other entry fails the unpacking.
 */
export function unpackTar(tar: Uint8Array, dest: string): void {
  const text = (from: number, length: number) => {
    const field = tar.subarray(from, from + length);
    const end = field.indexOf(0);
    return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString("utf8");
  };
  const root = path.resolve(dest);
  let offset = 0;
  while (offset + 512 <= tar.length) {
    if (tar.subarray(offset, offset + 512).every((b) => b === 0)) break; // end of archive
    if (!text(offset + 257, 6).startsWith("ustar")) throw new Error(`not a ustar header at byte ${offset}`);
    const prefix = text(offset + 345, 155);
    const name = prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100);
    const size = parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(tar[offset + 156]!);
    const target = path.resolve(root, name.replace(/^\/+/, ""));
    if (target !== root && !target.startsWith(root + path.sep)) throw new Error(`tar entry outside the folder: ${name}`);
    const data = offset + 512;
    if (type === "5") fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === "0" || type === "\0") {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, tar.subarray(data, data + size), { mode: 0o600 });
    } else throw new Error(`unexpected tar entry type ${JSON.stringify(type)}: ${name}`);
    offset = data + Math.ceil(size / 512) * 512;
  }
}

/** `node pglite-spare.js fill-spare SNAPSHOT`: the background child. */
if (require.main === module && process.argv[2] === "fill-spare") {
  const snapshot = process.argv[3];
  if (snapshot) fillSpare(path.resolve(snapshot));
}
