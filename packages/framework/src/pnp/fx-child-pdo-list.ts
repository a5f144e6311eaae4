import type { DEVICE_OBJECT } from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";

/** One child PDO of a bus FDO and whether it was reported missing (`WdfPdoMarkMissing`). */
export interface FxChildPdo {
  readonly device: FxDevice;
  missing: boolean;
}

/**
 * The child PDOs a bus FDO reports in IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations) — WDF's static
 * child list (`FxChildList` in static mode, fxpkgfdo.cpp `m_StaticDeviceList`). Static children
 * are added by `WdfFdoAddStaticChild`; a dynamic child list feeds the same list with `add` and
 * `markMissing`. A missing child is dropped once the PnP manager has been told (its REMOVE comes).
 */
export class FxChildPdoList {
  private readonly children: FxChildPdo[] = [];
  /** `WdfFdoLockStaticChildListForIteration` depth: changes made meanwhile wait for the unlock. */
  iterationLocks = 0;
  private changedWhileLocked = false;

  get length(): number {
    return this.children.length;
  }

  add(device: FxDevice): void {
    this.children.push({ device, missing: false });
  }

  find(device: FxDevice): FxChildPdo | null {
    for (const c of this.children) if (c.device === device) return c;
    return null;
  }

  /** The child after `previous` (null: the first), skipping missing ones, as WdfFdoRetrieveNextStaticChild does. */
  next(previous: FxDevice | null, includeMissing = false): FxDevice | null {
    let i = 0;
    if (previous !== null) {
      while (i < this.children.length && this.children[i]!.device !== previous) i++;
      i++;
    }
    for (; i < this.children.length; i++) if (includeMissing || !this.children[i]!.missing) return this.children[i]!.device;
    return null;
  }

  /** Marks a child missing; TRUE if the bus relations changed (the caller invalidates them). */
  markMissing(device: FxDevice): boolean {
    const c = this.find(device);
    if (c === null || c.missing) return false;
    c.missing = true;
    return true;
  }

  /** The present children's PDOs, for BusRelations; missing ones leave the list now that they are reported gone. */
  relations(): DEVICE_OBJECT[] {
    const out: DEVICE_OBJECT[] = [];
    let w = 0;
    for (let r = 0; r < this.children.length; r++) {
      const c = this.children[r]!;
      if (c.missing || c.device.DeviceObject === null) continue;
      out.push(c.device.DeviceObject);
      this.children[w++] = c;
    }
    this.children.length = w;
    return out;
  }

  /** A deleted child leaves the list. */
  remove(device: FxDevice): void {
    let w = 0;
    for (let r = 0; r < this.children.length; r++) if (this.children[r]!.device !== device) this.children[w++] = this.children[r]!;
    this.children.length = w;
  }

  noteChangeWhileLocked(): boolean {
    if (this.iterationLocks === 0) return false;
    this.changedWhileLocked = true;
    return true;
  }

  /** Unlocking: whether a change waited for it. */
  takeChangedWhileLocked(): boolean {
    const c = this.changedWhileLocked;
    this.changedWhileLocked = false;
    return c;
  }
}
