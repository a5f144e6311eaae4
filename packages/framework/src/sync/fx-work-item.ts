import {
  DelayedWorkQueue, Executive, IoAllocateWorkItem, IoFreeWorkItem, IoQueueWorkItem, KeInitializeEvent, KernelMode, KeResetEvent, KeSetEvent, KEVENT, KeWaitForSingleObject,
  NotificationEvent, NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type DEVICE_OBJECT, type IO_WORKITEM, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { isRoutineGenerator } from "@wdfjs/kernel/internal";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_WORKITEM } from "../object/types.js";
import { FxValidateObjectAttributes, type WDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxCreateParentedObject } from "./fx-create.js";
import { FxDeviceObjectOf, FxGetEffectiveLock, type FxCallbackLock } from "./fx-callback-lock.js";

/** `WDF_WORKITEM_CONFIG` in framework terms: the callback may wait (a generator). */
export interface FxWorkItemConfig {
  readonly EvtWorkItemFunc: (workItem: FxWorkItem) => void | KWAIT_GENERATOR<void>;
  readonly AutomaticSerialization: boolean;
}

/**
 * `FxWorkItem` (fxworkitem.cpp): an IO_WORKITEM of its device whose routine calls
 * EvtWorkItemFunc at PASSIVE_LEVEL, holding its parent's (passive) callback lock with
 * AutomaticSerialization. Enqueuing one already queued does nothing; `flush` waits until
 * it has run.
 */
export class FxWorkItem extends FxObject {
  effectiveLock: FxCallbackLock | null = null;
  parentObject: FxObject | null = null;
  private item: IO_WORKITEM | null = null;
  /** Queued and not yet finished (`m_Enqueued` + the running callback). */
  pending = false;
  /** Signalled while the work item is neither queued nor running (`m_WorkItemCompleted`). */
  readonly idle = new KEVENT();

  constructor(readonly config: FxWorkItemConfig) {
    super(FX_TYPE_WORKITEM);
    KeInitializeEvent(this.idle, NotificationEvent, true);
  }

  resolveLock(parent: FxObject): NTSTATUS {
    this.parentObject = parent;
    const device: DEVICE_OBJECT | null = FxDeviceObjectOf(parent);
    if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
    this.item = IoAllocateWorkItem(device);
    const lock = FxGetEffectiveLock(parent, this.config.AutomaticSerialization, true);
    if (typeof lock === "number") return lock;
    this.effectiveLock = lock;
    return STATUS_SUCCESS;
  }

  /** `FxWorkItem::Enqueue`: once until it runs; a second enqueue before then does nothing. */
  enqueue(): void {
    if (this.pending || this.item === null) return;
    this.pending = true;
    KeResetEvent(this.idle);
    IoQueueWorkItem(this.item, FxWorkItemRoutine, DelayedWorkQueue, this);
  }

  /** `FxWorkItem::FlushAndWait`: waits until the queued or running callback has finished. */
  *flush(): KWAIT_GENERATOR<void> {
    if (!this.pending) return;
    yield* KeWaitForSingleObject(this.idle, Executive, KernelMode, false, null);
  }

  /** `WdfWorkItemCreate` after its parent and Size checks: the attributes, then the parent's (passive) lock. */
  static _create(Config: FxWorkItemConfig, Attributes: WDF_OBJECT_ATTRIBUTES): FxWorkItem | NTSTATUS {
    let status = FxValidateObjectAttributes(Attributes);
    if (!NT_SUCCESS(status)) return status;
    const item = new FxWorkItem(Config);
    status = FxCreateParentedObject(item, Attributes);
    return NT_SUCCESS(status) ? item : status;
  }

  /** The IO_WORKITEM goes with the object (`FxSystemWorkItem` freed in the destructor). */
  protected override destroyResources(): void {
    if (this.item !== null) IoFreeWorkItem(this.item);
    this.item = null;
  }

  finished(): void {
    this.pending = false;
    KeSetEvent(this.idle, 0, false);
  }
}

function* FxWorkItemRoutine(_DeviceObject: DEVICE_OBJECT, workItem: FxWorkItem): KWAIT_GENERATOR<void> {
  const lock = workItem.effectiveLock;
  const owned = lock !== null && !lock.isOwner();
  if (owned) yield* lock.acquireWait();
  try {
    // A callback deleted with its work item queued does not run (`FxWorkItem::Dispose` flushes first in Windows).
    if (workItem.state === 1) {
      const r = workItem.config.EvtWorkItemFunc(workItem);
      if (isRoutineGenerator(r)) yield* r;
    }
  } finally {
    if (owned) lock.release();
    workItem.finished();
  }
}
