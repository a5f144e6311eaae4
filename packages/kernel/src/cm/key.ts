import { OBJECT_HEADER } from "../ob/object.js";

/** A value of a key: its name as written, its type and its data as laid out in memory (replaced, never changed in place). */
export interface CmValue {
  readonly name: string;
  readonly type: number;
  readonly data: Uint8Array;
}

// Never written: a key's first subkey or value replaces them with its own map.
const NO_SUBKEYS: Map<string, CmKeyNode> = new Map();
const NO_VALUES: Map<string, CmValue> = new Map();

/**
 * A key of the tree (the hive's CM_KEY_NODE and its control block in one): its name as
 * created, subkeys and values by upper-cased name (the registry compares names without
 * case and keeps the case they were created with), whether it is volatile.
 */
export class CmKeyNode {
  /** Subkeys by upper-cased name (one shared empty map until the first, so an empty key costs little). */
  subkeys: Map<string, CmKeyNode> = NO_SUBKEYS;
  /** Values in the order they were first set (the order ZwEnumerateValueKey returns them); shared and empty until the first. */
  values: Map<string, CmValue> = NO_VALUES;
  /** Set when the key is deleted: handles still open on it see STATUS_KEY_DELETED. */
  deleted = false;
  /** A hive root or a key the system keeps (\Registry, \Registry\Machine\SYSTEM...): ZwDeleteKey refuses it. */
  predefined = false;
  /** LastWriteTime, in 100 ns units of machine time. */
  lastWriteTime = 0;
  /** The subkeys in index order, made when an enumeration asks and dropped when they change. */
  private sorted: CmKeyNode[] | null = null;

  constructor(
    readonly name: string,
    readonly parent: CmKeyNode | null,
    readonly volatile: boolean,
    public className: string,
  ) {}

  subkey(name: string): CmKeyNode | undefined {
    return this.subkeys.get(name.toUpperCase());
  }

  addSubkey(child: CmKeyNode): void {
    if (this.subkeys === NO_SUBKEYS) this.subkeys = new Map();
    this.subkeys.set(child.name.toUpperCase(), child);
    this.sorted = null;
  }

  removeSubkey(child: CmKeyNode): void {
    this.subkeys.delete(child.name.toUpperCase());
    this.sorted = null;
  }

  /** Subkey number `index` as ZwEnumerateKey counts: a hive keeps subkeys sorted by upper-cased name. */
  subkeyAt(index: number): CmKeyNode | undefined {
    if (this.sorted === null) {
      this.sorted = [...this.subkeys.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
    }
    return this.sorted[index];
  }

  setValue(upperName: string, value: CmValue): void {
    if (this.values === NO_VALUES) this.values = new Map();
    this.values.set(upperName, value);
  }

  valueAt(index: number): CmValue | undefined {
    if (index < 0 || index >= this.values.size) return undefined;
    let i = 0;
    for (const v of this.values.values()) if (i++ === index) return v;
    return undefined;
  }

  /** `\REGISTRY\MACHINE\...` with each key's own case. */
  get path(): string {
    let p = "";
    for (let k: CmKeyNode | null = this; k !== null; k = k.parent) p = "\\" + k.name + p;
    return p;
  }
}

/**
 * What a key handle refers to (the object manager's Key object, Windows' CM_KEY_BODY):
 * one per open, pointing at the key. ZwClose closes it as any other handle.
 */
export class CM_KEY_BODY {
  ObHeader: OBJECT_HEADER | null = new OBJECT_HEADER("Key", null);
  constructor(readonly KeyControlBlock: CmKeyNode) {}
}
