import { STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_NAME_INVALID, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_SYNTAX_BAD, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";

/** A symbolic link in the namespace (`\??\Echo` → `\Device\Echo`). */
export class SymbolicLink {
  ObHeader = null;
  constructor(readonly Target: string) {}
}

/**
 * The object namespace: `\Device`, `\Driver`, `\??` (with `\DosDevices` and
 * `\GLOBAL??` as its aliases). Names compare case-insensitively, as Ob does.
 */
export class Namespace {
  private readonly objects = new Map<string, unknown>();

  static normalize(path: string): string {
    let p = path.toUpperCase();
    if (p.startsWith("\\DOSDEVICES\\")) p = "\\??\\" + p.slice(12);
    else if (p.startsWith("\\GLOBAL??\\")) p = "\\??\\" + p.slice(10);
    return p;
  }

  insert(path: string, object: unknown): NTSTATUS {
    if (!path.startsWith("\\") || path.length < 2) return STATUS_OBJECT_PATH_SYNTAX_BAD;
    if (/[\x00]/.test(path)) return STATUS_OBJECT_NAME_INVALID;
    const key = Namespace.normalize(path);
    if (this.objects.has(key)) return STATUS_OBJECT_NAME_COLLISION;
    this.objects.set(key, object);
    return STATUS_SUCCESS;
  }

  remove(path: string): boolean {
    return this.objects.delete(Namespace.normalize(path));
  }

  lookup(path: string): unknown {
    return this.objects.get(Namespace.normalize(path));
  }

  /**
   * Resolve a path the way the object manager parses it: follow symbolic links
   * (at most 32), then find the object; a trailing remainder after a device name is
   * returned for the device to interpret (`\Device\Nonpnp\file.log`).
   */
  resolve(path: string): { object: unknown; remainder: string } | NTSTATUS {
    let p = path;
    for (let hops = 0; hops < 32; hops++) {
      const key = Namespace.normalize(p);
      const parts = key.split("\\");
      // Longest prefix that names an object.
      let found: unknown = undefined;
      let used = 0;
      for (let n = parts.length; n >= 2; n--) {
        const prefix = parts.slice(0, n).join("\\");
        const o = this.objects.get(prefix);
        if (o !== undefined) {
          found = o;
          used = n;
          break;
        }
      }
      if (found === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
      const rest = p.split("\\").slice(used).join("\\");
      const remainder = rest ? "\\" + rest : "";
      if (found instanceof SymbolicLink) {
        p = found.Target + remainder;
        continue;
      }
      return { object: found, remainder };
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
  }

  names(): string[] {
    return [...this.objects.keys()];
  }
}
