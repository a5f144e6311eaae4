import type { DEVICE_NODE } from "./device-node.js";
import {
  CmResourceShareShared, CmResourceTypeInterrupt, CmResourceTypeMemory, CmResourceTypePort, IO_RESOURCE_ALTERNATIVE,
  type CM_PARTIAL_RESOURCE_DESCRIPTOR, type CM_RESOURCE_LIST, type IO_RESOURCE_DESCRIPTOR, type IO_RESOURCE_REQUIREMENTS_LIST,
} from "./resources.js";

/** One assigned range [Start, End] of one resource type. */
interface Assignment {
  Type: number;
  Start: number;
  End: number;
  Shared: boolean;
  Owner: DEVICE_NODE;
}

/** The raw and translated lists one assignment produced. */
export interface ArbiterResult {
  raw: CM_RESOURCE_LIST;
  translated: CM_RESOURCE_LIST;
}

/**
 * The machine's arbiters for I/O ports, memory ranges and interrupts (one book of
 * assignments per machine). A requirements list is met by its first alternative list
 * whose every resource fits without overlapping another device's exclusive range; within
 * a list a descriptor marked IO_RESOURCE_ALTERNATIVE is another way of placing the
 * descriptor before it.
 */
export class ResourceArbiter {
  private readonly assigned: Assignment[] = [];

  /** Assign resources for `node`, or null if no alternative fits (CM_PROB_NORMAL_CONFLICT). */
  assign(node: DEVICE_NODE, req: IO_RESOURCE_REQUIREMENTS_LIST): ArbiterResult | null {
    for (const list of req.List) {
      const taken: Assignment[] = [];
      const raw: CM_PARTIAL_RESOURCE_DESCRIPTOR[] = [];
      let ok = true;
      const ds = list.Descriptors;
      for (let i = 0; i < ds.length && ok; ) {
        // A group: one descriptor and the alternatives that follow it.
        let j = i + 1;
        while (j < ds.length && (ds[j]!.Option & IO_RESOURCE_ALTERNATIVE) !== 0) j++;
        let placed: Assignment | null = null;
        for (let k = i; k < j && placed === null; k++) placed = this.place(ds[k]!, node, taken);
        if (placed === null) ok = false;
        else {
          taken.push(placed);
          raw.push(partial(ds[i]!, placed));
        }
        i = j;
      }
      if (!ok) continue;
      for (const a of taken) this.assigned.push(a);
      const translated = raw.map(translate);
      return {
        raw: { Count: 1, List: [{ InterfaceType: req.InterfaceType, BusNumber: req.BusNumber, PartialResourceList: { Version: 1, Revision: 1, Count: raw.length, PartialDescriptors: raw } }] },
        translated: { Count: 1, List: [{ InterfaceType: req.InterfaceType, BusNumber: req.BusNumber, PartialResourceList: { Version: 1, Revision: 1, Count: translated.length, PartialDescriptors: translated } }] },
      };
    }
    return null;
  }

  /** Give back everything assigned to `node` (on IRP_MN_REMOVE_DEVICE, or before a rebalance). */
  release(node: DEVICE_NODE): void {
    // One compacting pass (no splice per range).
    const a = this.assigned;
    let w = 0;
    for (let i = 0; i < a.length; i++) if (a[i]!.Owner !== node) a[w++] = a[i]!;
    a.length = w;
  }

  /** How many ranges are assigned now (for tests: nothing leaks on removal). */
  get count(): number {
    return this.assigned.length;
  }

  private place(d: IO_RESOURCE_DESCRIPTOR, node: DEVICE_NODE, taken: Assignment[]): Assignment | null {
    const shared = d.ShareDisposition === CmResourceShareShared;
    if (d.Type === CmResourceTypeInterrupt) {
      for (let v = d.MinimumVector ?? 0; v <= (d.MaximumVector ?? 0); v++) {
        if (this.free(d.Type, v, v, shared, taken)) return { Type: d.Type, Start: v, End: v, Shared: shared, Owner: node };
      }
      return null;
    }
    if (d.Type !== CmResourceTypePort && d.Type !== CmResourceTypeMemory) return null;
    const length = d.Length ?? 0;
    const align = Math.max(1, d.Alignment ?? 1);
    const max = d.MaximumAddress ?? 0;
    let start = Math.ceil((d.MinimumAddress ?? 0) / align) * align;
    while (start + length - 1 <= max) {
      const clash = this.clash(d.Type, start, start + length - 1, shared, taken);
      if (clash === null) return { Type: d.Type, Start: start, End: start + length - 1, Shared: shared, Owner: node };
      start = Math.ceil((clash.End + 1) / align) * align;
    }
    return null;
  }

  private free(type: number, start: number, end: number, shared: boolean, taken: Assignment[]): boolean {
    return this.clash(type, start, end, shared, taken) === null;
  }

  private clash(type: number, start: number, end: number, shared: boolean, taken: Assignment[]): Assignment | null {
    for (const list of [this.assigned, taken]) {
      for (const a of list) {
        if (a.Type !== type || a.End < start || a.Start > end) continue;
        if (shared && a.Shared) continue;
        return a;
      }
    }
    return null;
  }
}

function partial(d: IO_RESOURCE_DESCRIPTOR, a: Assignment): CM_PARTIAL_RESOURCE_DESCRIPTOR {
  if (a.Type === CmResourceTypeInterrupt) {
    return { Type: a.Type, ShareDisposition: d.ShareDisposition, Flags: d.Flags, u: { Level: a.Start, Vector: a.Start, Affinity: 1 } };
  }
  return { Type: a.Type, ShareDisposition: d.ShareDisposition, Flags: d.Flags, u: { Start: a.Start, Length: a.End - a.Start + 1 } };
}

/**
 * The HAL's translation, as a PIC-based x86 HAL does it: ports and memory keep their
 * addresses; IRQ n becomes IDT vector 0x30 + n at device IRQL 27 - n (PROFILE_LEVEL - n).
 */
function translate(d: CM_PARTIAL_RESOURCE_DESCRIPTOR): CM_PARTIAL_RESOURCE_DESCRIPTOR {
  if (d.Type === CmResourceTypeInterrupt) {
    const irq = d.u.Vector ?? 0;
    return { Type: d.Type, ShareDisposition: d.ShareDisposition, Flags: d.Flags, u: { Level: 27 - irq, Vector: 0x30 + irq, Affinity: d.u.Affinity ?? 1 } };
  }
  return { Type: d.Type, ShareDisposition: d.ShareDisposition, Flags: d.Flags, u: { ...d.u } };
}
