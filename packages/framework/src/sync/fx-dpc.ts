import { KDPC, KeFlushQueuedDpcs, KeInsertQueueDpc, KeInitializeDpc, KeRemoveQueueDpc, NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, type NTSTATUS } from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_DPC } from "../object/types.js";
import { FxValidateObjectAttributes, type WDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxCreateParentedObject } from "./fx-create.js";
import { FxCallbackRunLocked, FxGetEffectiveLock, FxSearchForCallbacksObject, type FxCallbackLock } from "./fx-callback-lock.js";

/** `WDF_DPC_CONFIG` in framework terms. */
export interface FxDpcConfig {
  readonly EvtDpcFunc: (dpc: FxDpc) => void;
  readonly AutomaticSerialization: boolean;
}

/**
 * `FxDpc` (kmdf fxdpc.cpp): a KDPC whose routine calls EvtDpcFunc at DISPATCH_LEVEL, holding
 * its parent's callback lock with AutomaticSerialization (a spin lock: a passive-level parent
 * is STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL).
 */
export class FxDpc extends FxObject {
  readonly dpc = new KDPC();
  effectiveLock: FxCallbackLock | null = null;
  parentObject: FxObject | null = null;

  constructor(readonly config: FxDpcConfig) {
    super(FX_TYPE_DPC);
    KeInitializeDpc(this.dpc, FxDpcThunk, this);
  }

  resolveLock(parent: FxObject): NTSTATUS {
    this.parentObject = parent;
    // `FxDeviceBase::_SearchForDevice`: the object must belong to a device.
    if (FxSearchForCallbacksObject(parent) === null) return STATUS_INVALID_DEVICE_REQUEST;
    const lock = FxGetEffectiveLock(parent, this.config.AutomaticSerialization, false);
    if (typeof lock === "number") return lock;
    this.effectiveLock = lock;
    return 0;
  }

  /** `WdfDpcEnqueue`: TRUE if queued now, FALSE if it already was. */
  enqueue(): boolean {
    return KeInsertQueueDpc(this.dpc, null, null);
  }

  /** `WdfDpcCancel`: TRUE if it was queued and is now not; with Wait, other queued DPCs run first. */
  cancel(Wait: boolean): boolean {
    const was = KeRemoveQueueDpc(this.dpc);
    if (Wait) KeFlushQueuedDpcs();
    return was;
  }

  /** `WdfDpcCreate` after its parent and Size checks: the attributes, then the parent's lock. */
  static _create(Config: FxDpcConfig, Attributes: WDF_OBJECT_ATTRIBUTES): FxDpc | NTSTATUS {
    let status = FxValidateObjectAttributes(Attributes);
    if (!NT_SUCCESS(status)) return status;
    const dpc = new FxDpc(Config);
    status = FxCreateParentedObject(dpc, Attributes);
    return NT_SUCCESS(status) ? dpc : status;
  }

  protected override disposeResources(): void {
    KeRemoveQueueDpc(this.dpc);
  }
}

function FxDpcThunk(_Dpc: KDPC, dpc: FxDpc): void {
  if (dpc.state !== 1) return;
  if (dpc.effectiveLock !== null) FxCallbackRunLocked(dpc.effectiveLock, FxDpcRun, null, dpc);
  else FxDpcRun(dpc);
}

function FxDpcRun(dpc: FxDpc): void {
  dpc.config.EvtDpcFunc(dpc);
}
