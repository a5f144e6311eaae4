import { STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type IRP, type NTSTATUS } from "@wdfjs/kernel";
import type { FxIoQueue } from "./fx-io-queue.js";

/** `WDF_IO_FORWARD_PROGRESS_ACTION` (wdfio.h): what EvtIoWdmIrpForForwardProgress answers. */
export type WDF_IO_FORWARD_PROGRESS_ACTION = number;
export const WdfIoForwardProgressActionInvalid = 0;
export const WdfIoForwardProgressActionFailRequest = 1;
export const WdfIoForwardProgressActionUseReservedRequest = 2;

/** `WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY` (wdfio.h). */
export type WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY = number;
export const WdfIoForwardProgressInvalidPolicy = 0;
export const WdfIoForwardProgressReservedPolicyAlwaysUseReservedRequest = 1;
export const WdfIoForwardProgressReservedPolicyUseExamine = 2;
export const WdfIoForwardProgressReservedPolicyPagingIO = 3;

export type EVT_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS = (Queue: any, Irp: IRP) => WDF_IO_FORWARD_PROGRESS_ACTION;
export type PFN_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS = EVT_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS;
export type EVT_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST = (Queue: any, Request: any) => NTSTATUS;
export type PFN_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST = EVT_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST;
export type EVT_WDF_IO_ALLOCATE_REQUEST_RESOURCES = (Queue: any, Request: any) => NTSTATUS;
export type PFN_WDF_IO_ALLOCATE_REQUEST_RESOURCES = EVT_WDF_IO_ALLOCATE_REQUEST_RESOURCES;

/** `WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY` (wdfio.h); `sizeof` on x64 is 0x28. */
export class WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY {
  Size = 0;
  TotalForwardProgressRequests = 0;
  ForwardProgressReservedPolicy: WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY = WdfIoForwardProgressInvalidPolicy;
  readonly ForwardProgressReservePolicySettings = { Policy: { ExaminePolicy: { EvtIoWdmIrpForForwardProgress: null as PFN_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS | null } } };
  EvtIoAllocateResourcesForReservedRequest: PFN_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST | null = null;
  EvtIoAllocateRequestResources: PFN_WDF_IO_ALLOCATE_REQUEST_RESOURCES | null = null;
}
export type PWDF_IO_QUEUE_FORWARD_PROGRESS_POLICY = WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY;
export const WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_SIZE = 0x28;

function FxForwardProgressPolicyInit(Policy: WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, Total: number, Reserved: WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY): void {
  Policy.Size = WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_SIZE;
  Policy.TotalForwardProgressRequests = Total;
  Policy.ForwardProgressReservedPolicy = Reserved;
  Policy.ForwardProgressReservePolicySettings.Policy.ExaminePolicy.EvtIoWdmIrpForForwardProgress = null;
  Policy.EvtIoAllocateResourcesForReservedRequest = null;
  Policy.EvtIoAllocateRequestResources = null;
}

/** `WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_DEFAULT_INIT`: always use a reserved request when the system is low on memory. */
export function WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_DEFAULT_INIT(Policy: WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, TotalForwardProgressRequests: number): void {
  FxForwardProgressPolicyInit(Policy, TotalForwardProgressRequests, WdfIoForwardProgressReservedPolicyAlwaysUseReservedRequest);
}

/** `WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_EXAMINE_INIT`: the driver's callback decides per IRP. */
export function WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_EXAMINE_INIT(Policy: WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, EvtIoWdmIrpForForwardProgress: PFN_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS, TotalForwardProgressRequests: number): void {
  FxForwardProgressPolicyInit(Policy, TotalForwardProgressRequests, WdfIoForwardProgressReservedPolicyUseExamine);
  Policy.ForwardProgressReservePolicySettings.Policy.ExaminePolicy.EvtIoWdmIrpForForwardProgress = EvtIoWdmIrpForForwardProgress;
}

/** `WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_PAGINGIO_INIT`: reserved requests for paging I/O only. */
export function WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_PAGINGIO_INIT(Policy: WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, TotalForwardProgressRequests: number): void {
  FxForwardProgressPolicyInit(Policy, TotalForwardProgressRequests, WdfIoForwardProgressReservedPolicyPagingIO);
}

/**
 * `WdfIoQueueAssignForwardProgressPolicy`'s checks (fxioqueueapi.cpp) and `FxIoQueue::
 * AssignForwardProgressPolicy` (fxioqueuekm.cpp): a queue already configured, an examine policy
 * without its callback, or zero reserved requests are STATUS_INVALID_PARAMETER; a wrong Size
 * STATUS_INFO_LENGTH_MISMATCH. Simplified: the policy is kept (a copy), but no reserved requests
 * are preallocated, since wdfjs's pool never fails an allocation the I/O path makes
 * (WdfRequestIsReserved is therefore always FALSE).
 */
export function FxIoQueueAssignForwardProgressPolicy(queue: FxIoQueue, Policy: WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY): NTSTATUS {
  if (queue.forwardProgressPolicy !== null) return STATUS_INVALID_PARAMETER;
  if (Policy.Size !== WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (Policy.ForwardProgressReservedPolicy === WdfIoForwardProgressReservedPolicyUseExamine &&
    Policy.ForwardProgressReservePolicySettings.Policy.ExaminePolicy.EvtIoWdmIrpForForwardProgress === null) return STATUS_INVALID_PARAMETER;
  if (Policy.TotalForwardProgressRequests === 0) return STATUS_INVALID_PARAMETER;
  const copy = new WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY();
  FxForwardProgressPolicyInit(copy, Policy.TotalForwardProgressRequests >>> 0, Policy.ForwardProgressReservedPolicy);
  copy.ForwardProgressReservePolicySettings.Policy.ExaminePolicy.EvtIoWdmIrpForForwardProgress = Policy.ForwardProgressReservePolicySettings.Policy.ExaminePolicy.EvtIoWdmIrpForForwardProgress;
  copy.EvtIoAllocateResourcesForReservedRequest = Policy.EvtIoAllocateResourcesForReservedRequest;
  copy.EvtIoAllocateRequestResources = Policy.EvtIoAllocateRequestResources;
  queue.forwardProgressPolicy = copy;
  return STATUS_SUCCESS;
}
