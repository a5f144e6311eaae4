import type { Clock } from "../ke/clock.js";
import { MachineUsageError } from "../ke/scheduler.js";
import { REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_EXPAND_SZ, REG_LINK, REG_MULTI_SZ, REG_QWORD, REG_SZ } from "./constants.js";
import { CmKeyNode, type CmValue } from "./key.js";
import { bytesEqual, decodeRegistryData, encodeRegistryData, fromHex, toHex, typeName, type RegistryData } from "./value-data.js";

/**
 * A registry as plain JSON: every non-volatile key that has values or no subkeys, by its
 * absolute path (`\Registry\Machine\SYSTEM\CurrentControlSet\Services\echo\Parameters`),
 * with its values by name ("" is the default value). A value's data is in its natural
 * form — a string (REG_SZ, REG_EXPAND_SZ, REG_LINK), strings (REG_MULTI_SZ), a number
 * (REG_DWORD, REG_DWORD_BIG_ENDIAN), a decimal string (REG_QWORD) — or, for other types and
 * for data that is not well formed for its type, its bytes in `hex`.
 */
export interface RegistrySnapshot {
  readonly format: "wdfjs-registry";
  readonly version: 1;
  readonly keys: { readonly [path: string]: { readonly [valueName: string]: RegistryValueSnapshot } };
}
export interface RegistryValueSnapshot {
  readonly type: number;
  readonly data?: string | readonly string[] | number;
  readonly hex?: string;
}

/** A value as the host API returns it: its type and its data decoded (see decodeRegistryData). */
export interface RegistryValue {
  readonly name: string;
  readonly type: number;
  readonly data: RegistryData;
}

/** The keys every machine starts with (Windows' boot-time hive layout, the part drivers use). */
const PREDEFINED = [
  "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services",
  "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Enum",
  "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Class",
  "\\REGISTRY\\MACHINE\\SOFTWARE",
  "\\REGISTRY\\USER",
];
/** HARDWARE is rebuilt at every boot in Windows: volatile. */
const VOLATILE = ["\\REGISTRY\\MACHINE\\HARDWARE\\DEVICEMAP"];
/** Hive roots and the keys above them: ZwDeleteKey says STATUS_CANNOT_DELETE. */
const HIVE_ROOTS = ["\\REGISTRY", "\\REGISTRY\\MACHINE", "\\REGISTRY\\USER", "\\REGISTRY\\MACHINE\\SYSTEM", "\\REGISTRY\\MACHINE\\SOFTWARE", "\\REGISTRY\\MACHINE\\HARDWARE"];

/**
 * The configuration manager of one machine: the key tree under `\Registry`, and the host's
 * view of it (`machine.registry`): read and write values by path, save the non-volatile
 * keys as JSON and load them into this or another machine. Drivers reach it through the
 * Zw* and Rtl* routines, the rest of the kernel through cm-api.ts.
 */
export class ConfigurationManager {
  /** The machine's clock, once the machine is built (key write times before that are 0). */
  clock: Clock | null = null;
  private tree: CmKeyNode | null = null;

  constructor(snapshot?: RegistrySnapshot) {
    if (snapshot !== undefined) this.load(snapshot);
  }

  /**
   * `\REGISTRY`. The predefined keys are made the first time anything looks at the
   * registry, so a machine that never does (most tests, the boot benchmarks) pays nothing.
   */
  get root(): CmKeyNode {
    if (this.tree !== null) return this.tree;
    const root = (this.tree = new CmKeyNode("REGISTRY", null, false, ""));
    for (const p of PREDEFINED) this.createPath(splitPath(p)!, false);
    for (const p of VOLATILE) this.createPath(splitPath(p)!, true);
    for (const p of HIVE_ROOTS) this.lookup(splitPath(p)!)!.predefined = true;
    return root;
  }

  now(): number {
    return this.clock === null ? 0 : this.clock.now();
  }

  /** The key at `components` (below \REGISTRY), or undefined. */
  lookup(components: readonly string[], from: CmKeyNode = this.root): CmKeyNode | undefined {
    let k: CmKeyNode | undefined = from;
    for (let i = 0; i < components.length && k !== undefined; i++) k = k.subkey(components[i]!);
    return k;
  }

  /** Creates the keys of `components` that are missing (below \REGISTRY); the last one. */
  createPath(components: readonly string[], volatile: boolean, from: CmKeyNode = this.root): CmKeyNode {
    let k = from;
    for (const c of components) {
      let next = k.subkey(c);
      if (next === undefined) {
        next = new CmKeyNode(c, k, volatile || k.volatile, "");
        next.lastWriteTime = this.now();
        k.addSubkey(next);
        k.lastWriteTime = next.lastWriteTime;
      }
      k = next;
    }
    return k;
  }

  /** Removes a key with no subkeys from the tree; handles still open on it see STATUS_KEY_DELETED. */
  deleteNode(k: CmKeyNode): void {
    k.deleted = true;
    if (k.parent !== null) {
      k.parent.removeSubkey(k);
      k.parent.lastWriteTime = this.now();
    }
  }

  setNodeValue(k: CmKeyNode, name: string, type: number, data: Uint8Array): void {
    const upper = name.toUpperCase();
    const v = k.values.get(upper);
    // A value is replaced, never changed in place (it keeps its name and its place in the order),
    // so a CmValue may be shared by many keys (the PnP manager's device keys share theirs).
    this.setNodeValueObject(k, upper, v === undefined ? { name, type, data } : { name: v.name, type, data });
  }

  /** Sets a value object (its bytes never change once set); `upper` is its name upper-cased. */
  setNodeValueObject(k: CmKeyNode, upper: string, v: CmValue): void {
    k.setValue(upper, v);
    k.lastWriteTime = this.now();
  }

  // ---- the host's API (machine.registry) ----

  /**
   * Sets a value, creating the key and any missing keys above it (non-volatile). `path` is
   * absolute (`\Registry\Machine\...`) or starts with HKLM or HKEY_LOCAL_MACHINE; `data` is
   * written as the WDK lays out `type` (see RegistryData). A bad path or data is a
   * MachineUsageError.
   */
  setValue(path: string, name: string, type: number, data: RegistryData): void {
    const k = this.createPath(this.hostPath("setValue", path), false);
    if (typeof name !== "string") throw new MachineUsageError(`wdfjs: registry.setValue(): the value name must be a string ("" for the default value); got ${String(name)}.`);
    if (!(Number.isInteger(type) && type >= 0 && type <= 0xffffffff)) throw new MachineUsageError(`wdfjs: registry.setValue(): type must be a REG_* constant; got ${String(type)}.`);
    const bytes = encodeRegistryData(type, data);
    if (typeof bytes === "string") throw new MachineUsageError(`wdfjs: registry.setValue(${JSON.stringify(path)}, ${JSON.stringify(name)}): ${bytes}.`);
    this.setNodeValue(k, name, type, bytes);
  }

  /** A value's type and data, or null if the key or the value does not exist. */
  queryValue(path: string, name: string): RegistryValue | null {
    const v = this.lookup(this.hostPath("queryValue", path))?.values.get(String(name).toUpperCase());
    return v === undefined ? null : { name: v.name, type: v.type, data: decodeRegistryData(v.type, v.data) };
  }

  /** The raw bytes of a value, or null. */
  queryValueBytes(path: string, name: string): Uint8Array | null {
    const v = this.lookup(this.hostPath("queryValueBytes", path))?.values.get(String(name).toUpperCase());
    return v === undefined ? null : v.data.slice();
  }

  /** Creates a key and any missing keys above it; true if the key is new. */
  createKey(path: string, options: { volatile?: boolean } = {}): boolean {
    const c = this.hostPath("createKey", path);
    if (this.lookup(c) !== undefined) return false;
    this.createPath(c, options.volatile === true);
    return true;
  }

  keyExists(path: string): boolean {
    return this.lookup(this.hostPath("keyExists", path)) !== undefined;
  }

  /** The names of a key's subkeys, in enumeration order; null if the key does not exist. */
  subkeys(path: string): string[] | null {
    const k = this.lookup(this.hostPath("subkeys", path));
    if (k === undefined) return null;
    const out: string[] = [];
    for (let i = 0; i < k.subkeys.size; i++) out.push(k.subkeyAt(i)!.name);
    return out;
  }

  /** A key's values, in enumeration order; null if the key does not exist. */
  values(path: string): RegistryValue[] | null {
    const k = this.lookup(this.hostPath("values", path));
    if (k === undefined) return null;
    return [...k.values.values()].map((v) => ({ name: v.name, type: v.type, data: decodeRegistryData(v.type, v.data) }));
  }

  /** Deletes a key and everything under it (as RegDeleteTree); false if it did not exist. */
  deleteKey(path: string): boolean {
    const k = this.lookup(this.hostPath("deleteKey", path));
    if (k === undefined) return false;
    if (k.predefined) throw new MachineUsageError(`wdfjs: registry.deleteKey(${JSON.stringify(path)}): a hive root cannot be deleted.`);
    const drop = (n: CmKeyNode): void => {
      for (const c of [...n.subkeys.values()]) drop(c);
      this.deleteNode(n);
    };
    drop(k);
    return true;
  }

  deleteValue(path: string, name: string): boolean {
    const k = this.lookup(this.hostPath("deleteValue", path));
    return k !== undefined && k.values.delete(String(name).toUpperCase());
  }

  /** The non-volatile keys as JSON-serializable data (see RegistrySnapshot). */
  save(): RegistrySnapshot {
    const keys: Record<string, Record<string, RegistryValueSnapshot>> = {};
    const walk = (k: CmKeyNode, path: string): void => {
      let stable = 0;
      for (const c of k.subkeys.values()) if (!c.volatile) stable++;
      if (k.values.size > 0 || stable === 0) {
        const values: Record<string, RegistryValueSnapshot> = {};
        for (const v of k.values.values()) values[v.name] = saveValue(v.type, v.data);
        keys[path] = values;
      }
      for (let i = 0; i < k.subkeys.size; i++) {
        const c = k.subkeyAt(i)!;
        if (!c.volatile) walk(c, `${path}\\${c.name}`);
      }
    };
    for (let i = 0; i < this.root.subkeys.size; i++) {
      const c = this.root.subkeyAt(i)!;
      if (!c.volatile) walk(c, `\\Registry\\${c.name === "MACHINE" ? "Machine" : c.name === "USER" ? "User" : c.name}`);
    }
    return { format: "wdfjs-registry", version: 1, keys };
  }

  /**
   * Adds the keys and values of a snapshot to this registry (keys are created, values set;
   * nothing else is removed), as a test seeds a machine with installed drivers.
   */
  load(snapshot: RegistrySnapshot): void {
    const problem = checkRegistrySnapshot(snapshot);
    if (problem !== null) throw new MachineUsageError(`wdfjs: registry.load(): ${problem}.`);
    for (const [path, values] of Object.entries(snapshot.keys)) {
      const k = this.createPath(splitPath(path)!, false);
      for (const [name, v] of Object.entries(values)) this.setNodeValue(k, name, v.type, loadValue(v) as Uint8Array);
    }
  }

  private hostPath(call: string, path: string): string[] {
    const c = typeof path === "string" ? splitPath(path.replace(/^(HKLM|HKEY_LOCAL_MACHINE)(?=\\|$)/i, "\\Registry\\Machine")) : null;
    if (c === null) {
      throw new MachineUsageError(
        `wdfjs: registry.${call}(path): path must be an absolute key path such as "\\\\Registry\\\\Machine\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\echo" or "HKLM\\\\SYSTEM\\\\..."; got ${JSON.stringify(path)}.`,
      );
    }
    return c;
  }
}

/**
 * The components below \REGISTRY of an absolute key path (`\Registry\Machine\SYSTEM` →
 * ["Machine", "SYSTEM"]), or null if it is not one (no leading `\REGISTRY`, an empty
 * component).
 */
export function splitPath(path: string): string[] | null {
  const parts = path.split("\\");
  if (parts.length < 2 || parts[0] !== "" || parts[1]!.toUpperCase() !== "REGISTRY") return null;
  const rest = parts.slice(2);
  for (const p of rest) if (p === "") return null;
  return rest;
}

function saveValue(type: number, data: Uint8Array): RegistryValueSnapshot {
  const natural = type === REG_SZ || type === REG_EXPAND_SZ || type === REG_LINK || type === REG_MULTI_SZ || type === REG_DWORD || type === REG_DWORD_BIG_ENDIAN || type === REG_QWORD;
  if (natural) {
    const d = decodeRegistryData(type, data);
    if (!(d instanceof Uint8Array)) {
      const again = encodeRegistryData(type, d);
      if (typeof again !== "string" && bytesEqual(again, data)) return { type, data: typeof d === "bigint" ? d.toString() : (d as string | string[] | number) };
    }
  }
  return { type, hex: toHex(data) };
}

/** The bytes a snapshot's value stands for, or a message saying what is wrong with it. */
function loadValue(v: RegistryValueSnapshot): Uint8Array | string {
  if (v.hex !== undefined) return fromHex(v.hex) ?? "hex must be an even number of hexadecimal digits";
  if (v.data === undefined) return "a value needs data or hex";
  return encodeRegistryData(v.type, v.data as RegistryData);
}

/** Why `s` is not a RegistrySnapshot, or null if it is one. */
export function checkRegistrySnapshot(s: unknown): string | null {
  if (s === null || typeof s !== "object") return "a registry snapshot is an object { format: \"wdfjs-registry\", version: 1, keys } (machine.registry.save() makes one)";
  const o = s as Record<string, unknown>;
  if (o.format !== "wdfjs-registry" || o.version !== 1) return "a registry snapshot has format \"wdfjs-registry\" and version 1 (machine.registry.save() makes one)";
  if (o.keys === null || typeof o.keys !== "object" || Array.isArray(o.keys)) return "a registry snapshot's keys is an object of key paths";
  for (const [path, values] of Object.entries(o.keys as Record<string, unknown>)) {
    if (splitPath(path) === null) return `${JSON.stringify(path)} is not an absolute key path such as "\\\\Registry\\\\Machine\\\\SOFTWARE"`;
    if (values === null || typeof values !== "object" || Array.isArray(values)) return `key ${JSON.stringify(path)}: its values must be an object of value names`;
    for (const [name, v] of Object.entries(values as Record<string, unknown>)) {
      const where = `key ${JSON.stringify(path)}, value ${JSON.stringify(name)}`;
      if (v === null || typeof v !== "object") return `${where}: a value is { type, data } or { type, hex }`;
      const t = (v as { type?: unknown }).type;
      if (!(typeof t === "number" && Number.isInteger(t) && t >= 0 && t <= 0xffffffff)) return `${where}: type must be a REG_* constant`;
      const b = loadValue(v as RegistryValueSnapshot);
      if (typeof b === "string") return `${where} (${typeName(t)}): ${b}`;
    }
  }
  return null;
}
