import { IoAllocateIrp, IoFreeIrp, IoReuseIrp, KeCancelTimer, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, type IRP, type NTSTATUS } from "@wdfjs/kernel";
import { STATUS_REQUEST_NOT_ACCEPTED } from "../wdfstatus.js";
import { FxRequest } from "../io/fx-request.js";
import { FxRequestReleaseFormat } from "./fx-request-send.js";
import { FxVerifyRequestNotSent, type FxIoTarget } from "./fx-io-target.js";
import { WDF_REQUEST_REUSE_SET_NEW_IRP, type WDF_REQUEST_REUSE_PARAMS } from "./io-target-types.js";

/**
 * A request the driver made (`WdfRequestCreate`, `WdfRequestCreateFromIrp`): `m_IrpAllocation`
 * REQUEST_ALLOCATED_INTERNAL (the framework allocated the IRP with the target's stack size and
 * frees it with the request) or REQUEST_ALLOCATED_DRIVER (the driver's IRP, never freed here).
 * It is sent, reused and deleted, never completed.
 */
export class FxDriverRequest extends FxRequest {
  /** The framework allocated the IRP (and frees it); false for the driver's own. */
  ownsIrp: boolean;

  constructor(Irp: IRP | null, ownsIrp: boolean) {
    super(Irp);
    this.allocatedFromIo = false;
    this.ownsIrp = ownsIrp;
  }

  /** `FxRequest::_Create` with a target: an IRP with one location per device of the target's stack. */
  static create(Target: FxIoTarget | null): FxDriverRequest | NTSTATUS {
    let irp: IRP | null = null;
    if (Target !== null && Target.TargetStackSize > 0) {
      irp = IoAllocateIrp(Target.TargetStackSize, false);
      if (irp === null) return STATUS_INSUFFICIENT_RESOURCES;
    }
    return new FxDriverRequest(irp, true);
  }

  /**
   * `FxRequestBase::ValidateTarget` (before a format): a closed target has no stack to format
   * for (STATUS_INVALID_DEVICE_STATE); an IRP with too few locations is replaced when the
   * framework owns it, else STATUS_REQUEST_NOT_ACCEPTED.
   */
  validateTarget(Target: FxIoTarget): NTSTATUS {
    FxRequestReleaseFormat(this);
    if (Target.TargetDevice === null) return STATUS_INVALID_DEVICE_STATE;
    if (this.Irp !== null && Target.hasEnoughStackLocations(this.Irp)) return STATUS_SUCCESS;
    if (this.Irp !== null && !this.ownsIrp) return STATUS_REQUEST_NOT_ACCEPTED;
    const irp = IoAllocateIrp(Target.TargetStackSize, false);
    if (irp === null) return STATUS_INSUFFICIENT_RESOURCES;
    if (this.Irp !== null) IoFreeIrp(this.Irp);
    this.Irp = irp;
    return STATUS_SUCCESS;
  }

  /**
   * `FxRequest::Reuse`: the completion routine and format are dropped, the IRP reinitialized with
   * the status (IoReuseIrp) or replaced by the driver's (WDF_REQUEST_REUSE_SET_NEW_IRP). Reusing a
   * request still pending on a target is traced (WDF breaks into the debugger) and leaves its IRP alone.
   */
  reuse(Params: WDF_REQUEST_REUSE_PARAMS): NTSTATUS {
    const s = this.send;
    if (s !== null && s.outstanding) {
      this.table.machine.trace?.event("wdf.request-reuse-active", null, `WDFREQUEST 0x${this.handle.toString(16)} is reused while it is still active on a WDFIOTARGET`);
      return STATUS_SUCCESS;
    }
    if (s !== null) {
      s.completionRoutine = null;
      s.completionContext = null;
      s.hasContext = false;
    }
    FxRequestReleaseFormat(this);
    if ((Params.Flags & WDF_REQUEST_REUSE_SET_NEW_IRP) !== 0) {
      if (this.ownsIrp && this.Irp !== null) IoFreeIrp(this.Irp);
      this.Irp = Params.NewIrp as IRP;
      this.ownsIrp = false;
    }
    if (this.ownsIrp && this.Irp !== null) IoReuseIrp(this.Irp, Params.Status);
    return STATUS_SUCCESS;
  }

  /**
   * `CompleteInternal` on a request that is not the I/O package's: WDF breaks into the debugger
   * (`IsAllocatedFromIo() == FALSE`), which the trace records; the request stays the driver's to
   * reuse or delete, its IRP untouched (a driver's IRP has no caller above it to complete to).
   */
  override complete(_Status: NTSTATUS): void {
    this.table.machine.trace?.event("wdf.request-complete-driver-created", null,
      `WDFREQUEST 0x${this.handle.toString(16)} was created by the driver: delete or reuse it, do not complete it`);
  }

  /** Deleted: its format's buffers are given back and the framework's IRP freed. */
  protected override disposeResources(): void {
    const s = this.send;
    if (s !== null && s.timer !== null) KeCancelTimer(s.timer);
    if (s !== null && s.outstanding && s.target !== null) s.target.cancelSentRequest(this);
    FxRequestReleaseFormat(this);
    if (this.ownsIrp && this.Irp !== null && (s === null || !s.outstanding)) IoFreeIrp(this.Irp);
    this.Irp = null;
  }
}

/** `ValidateTarget` for any request (the formats and synchronous sends call it first): a queue-presented IRP cannot be replaced, so it must already have the locations. */
export function FxRequestValidateTarget(request: FxRequest, Target: FxIoTarget): NTSTATUS {
  // Formatting an IRP a lower driver still holds would rewrite it under that driver.
  FxVerifyRequestNotSent(request);
  if (request.send?.outstanding === true) return STATUS_INVALID_DEVICE_STATE;
  if (request instanceof FxDriverRequest) return request.validateTarget(Target);
  FxRequestReleaseFormat(request);
  if (Target.TargetDevice === null) return STATUS_INVALID_DEVICE_STATE;
  return request.Irp !== null && Target.hasEnoughStackLocations(request.Irp) ? STATUS_SUCCESS : STATUS_REQUEST_NOT_ACCEPTED;
}
