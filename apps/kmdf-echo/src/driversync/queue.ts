/**
 * general/echo/kmdf/driver/DriverSync/queue.c: the same echo with no framework
 * synchronization (scope None): the driver guards QUEUE_CONTEXT with a WDFSPINLOCK parented
 * to the queue, and the timer and the cancel callback agree on who completes a request through
 * the request's CancelCompletionOwnershipCount.
 */
import {
  ExAllocatePool2, ExFreePool, InterlockedCompareExchange, InterlockedDecrement, NT_SUCCESS, Out, POOL_FLAG_NON_PAGED, POOL_TAG, STATUS_BUFFER_OVERFLOW,
  STATUS_CANCELLED, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_TIMER_CONFIG, WDF_TIMER_CONFIG_INIT_PERIODIC, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfMemoryCopyFromBuffer,
  WdfMemoryCopyToBuffer, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestGetIoQueue, WdfRequestMarkCancelableEx, WdfRequestRetrieveInputMemory,
  WdfRequestRetrieveOutputMemory, WdfRequestSetInformation, WdfRequestUnmarkCancelable, WdfSpinLockAcquire, WdfSpinLockCreate, WdfSpinLockRelease, WdfTimerCreate,
  WdfTimerGetParentObject, type Box, type WDFDEVICE, type WDFMEMORY, type WDFOBJECT, type WDFQUEUE, type WDFREQUEST, type WDFSPINLOCK, type WDFTIMER,
} from "../kmdf.js";
import { MAX_WRITE_LENGTH } from "../public.js";

/** queue.h: TIMER_PERIOD (ms), longer than AutoSync's. */
export const TIMER_PERIOD = 1000 * 10;

/** QUEUE_CONTEXT, with the driver's own spin lock. */
export class QUEUE_CONTEXT {
  Buffer = 0;
  Length = 0;
  Timer: WDFTIMER | null = null;
  CurrentRequest: WDFREQUEST | null = null;
  CurrentStatus: NTSTATUS = STATUS_INVALID_DEVICE_REQUEST;
  SpinLock: WDFSPINLOCK | null = null;
  /** Not in the C: how many requests the timer completed (for the tests). */
  CompletedByTimer = 0;
}
export const QueueGetContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QUEUE_CONTEXT, "QueueGetContext");

/** driver.h: REQUEST_CONTEXT, every request's (WdfDeviceInitSetRequestAttributes). */
export class REQUEST_CONTEXT {
  /** 1 while cancelable; the timer raises it to claim completion, the cancel callback lowers it. */
  readonly CancelCompletionOwnershipCount = Out(0);
}
export const RequestGetContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(REQUEST_CONTEXT, "RequestGetContext");

/** EchoInterlockedIncrementFloor: increments Target only while it is above Floor; returns the new value (≤ Floor + 1 on failure). */
export function EchoInterlockedIncrementFloor(Target: Box<number>, Floor: number): number {
  let currentValue = Target.value;
  let oldValue: number;
  do {
    if (currentValue <= Floor) return currentValue;
    oldValue = currentValue;
    currentValue = InterlockedCompareExchange(Target, oldValue + 1, oldValue);
  } while (oldValue !== currentValue);
  return oldValue + 1;
}

/** EchoInterlockedIncrementGTZero: increment only if > 0. */
export function EchoInterlockedIncrementGTZero(Target: Box<number>): number {
  return EchoInterlockedIncrementFloor(Target, 0);
}

/** EchoQueueInitialize: the default sequential queue, its spin lock and its timer (parented to the queue). */
export function EchoQueueInitialize(Device: WDFDEVICE): NTSTATUS {
  const queueConfig = new WDF_IO_QUEUE_CONFIG();
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoRead = EchoEvtIoRead;
  queueConfig.EvtIoWrite = EchoEvtIoWrite;
  const attributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, QUEUE_CONTEXT);
  attributes.EvtDestroyCallback = EchoEvtIoQueueContextDestroy;
  const queue = Out<WDFQUEUE | null>(null);
  let status = WdfIoQueueCreate(Device, queueConfig, attributes, queue);
  if (!NT_SUCCESS(status)) return status;
  const queueContext = QueueGetContext(queue.value!);
  queueContext.Buffer = 0;
  queueContext.Timer = null;
  queueContext.CurrentRequest = null;
  queueContext.CurrentStatus = STATUS_INVALID_DEVICE_REQUEST;
  WDF_OBJECT_ATTRIBUTES_INIT(attributes);
  attributes.ParentObject = queue.value!;
  const spinLock = Out<WDFSPINLOCK | null>(null);
  status = WdfSpinLockCreate(attributes, spinLock);
  if (!NT_SUCCESS(status)) return status;
  queueContext.SpinLock = spinLock.value;
  const timer = Out<WDFTIMER | null>(null);
  status = EchoTimerCreate(timer, TIMER_PERIOD, queue.value!);
  queueContext.Timer = timer.value;
  return status;
}

/** EchoTimerCreate: the periodic timer, parented to the queue; the queue's scope (None) gives it no lock. */
export function EchoTimerCreate(Timer: Box<WDFTIMER | null>, Period: number, Queue: WDFQUEUE): NTSTATUS {
  const timerConfig = new WDF_TIMER_CONFIG();
  WDF_TIMER_CONFIG_INIT_PERIODIC(timerConfig, EchoEvtTimerFunc, Period);
  const timerAttributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT(timerAttributes);
  timerAttributes.ParentObject = Queue;
  return WdfTimerCreate(timerConfig, timerAttributes, Timer);
}

/** EchoEvtIoQueueContextDestroy. */
export function EchoEvtIoQueueContextDestroy(Object: WDFOBJECT): void {
  const queueContext = QueueGetContext(Object);
  if (queueContext.Buffer !== 0) {
    ExFreePool(queueContext.Buffer);
    queueContext.Buffer = 0;
  }
}

/** EchoDecrementRequestCancelOwnershipCount: TRUE when the caller now owns the completion. */
export function EchoDecrementRequestCancelOwnershipCount(RequestContext: REQUEST_CONTEXT): boolean {
  const result = InterlockedDecrement(RequestContext.CancelCompletionOwnershipCount);
  return result === 0;
}

/** EchoIncrementRequestCancelOwnershipCount: FALSE if the count was already 0 (the cancel callback owns it). */
export function EchoIncrementRequestCancelOwnershipCount(RequestContext: REQUEST_CONTEXT): boolean {
  return EchoInterlockedIncrementGTZero(RequestContext.CancelCompletionOwnershipCount) > 1;
}

/** EchoEvtRequestCancel: not serialized with the rest; completes only if it wins the ownership count. */
export function EchoEvtRequestCancel(Request: WDFREQUEST): void {
  const queue = WdfRequestGetIoQueue(Request)!;
  const requestContext = RequestGetContext(Request);
  const queueContext = QueueGetContext(queue);
  WdfSpinLockAcquire(queueContext.SpinLock!);
  const completeRequest = EchoDecrementRequestCancelOwnershipCount(requestContext);
  if (completeRequest) queueContext.CurrentRequest = null;
  else queueContext.CurrentStatus = STATUS_CANCELLED;
  WdfSpinLockRelease(queueContext.SpinLock!);
  if (completeRequest) WdfRequestCompleteWithInformation(Request, STATUS_CANCELLED, 0);
}

/** EchoSetCurrentRequest: the request waits for the timer, cancelable (Ex: a request already cancelled fails at once). */
export function EchoSetCurrentRequest(Request: WDFREQUEST, Queue: WDFQUEUE): void {
  const requestContext = RequestGetContext(Request);
  const queueContext = QueueGetContext(Queue);
  requestContext.CancelCompletionOwnershipCount.value = 1;
  WdfSpinLockAcquire(queueContext.SpinLock!);
  queueContext.CurrentRequest = Request;
  queueContext.CurrentStatus = STATUS_SUCCESS;
  const status = WdfRequestMarkCancelableEx(Request, EchoEvtRequestCancel);
  if (!NT_SUCCESS(status)) queueContext.CurrentRequest = null;
  WdfSpinLockRelease(queueContext.SpinLock!);
  if (!NT_SUCCESS(status)) WdfRequestCompleteWithInformation(Request, status, 0);
}

/** EchoEvtIoRead. */
export function EchoEvtIoRead(Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
  const queueContext = QueueGetContext(Queue);
  if (queueContext.Buffer === 0) {
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
    return;
  }
  if (queueContext.Length < Length) Length = queueContext.Length;
  const memory = Out<WDFMEMORY | null>(null);
  let Status = WdfRequestRetrieveOutputMemory(Request, memory);
  if (!NT_SUCCESS(Status)) {
    WdfRequestCompleteWithInformation(Request, Status, 0);
    return;
  }
  Status = WdfMemoryCopyFromBuffer(memory.value!, 0, queueContext.Buffer, Length);
  if (!NT_SUCCESS(Status)) {
    WdfRequestComplete(Request, Status);
    return;
  }
  WdfRequestSetInformation(Request, Length);
  EchoSetCurrentRequest(Request, Queue);
}

/** EchoEvtIoWrite. */
export function EchoEvtIoWrite(Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
  const queueContext = QueueGetContext(Queue);
  if (Length > MAX_WRITE_LENGTH) {
    WdfRequestCompleteWithInformation(Request, STATUS_BUFFER_OVERFLOW, 0);
    return;
  }
  const memory = Out<WDFMEMORY | null>(null);
  let Status = WdfRequestRetrieveInputMemory(Request, memory);
  if (!NT_SUCCESS(Status)) {
    WdfRequestComplete(Request, Status);
    return;
  }
  if (queueContext.Buffer !== 0) {
    ExFreePool(queueContext.Buffer);
    queueContext.Buffer = 0;
    queueContext.Length = 0;
  }
  queueContext.Buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, POOL_TAG("sam1"));
  if (queueContext.Buffer === 0) {
    WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
    return;
  }
  Status = WdfMemoryCopyToBuffer(memory.value!, 0, queueContext.Buffer, Length);
  if (!NT_SUCCESS(Status)) {
    ExFreePool(queueContext.Buffer);
    queueContext.Buffer = 0;
    queueContext.Length = 0;
    WdfRequestComplete(Request, Status);
    return;
  }
  queueContext.Length = Length;
  WdfRequestSetInformation(Request, Length);
  EchoSetCurrentRequest(Request, Queue);
}

/** EchoEvtTimerFunc: claims the request through the ownership count, then completes it unless the cancel callback did. */
export function EchoEvtTimerFunc(Timer: WDFTIMER): void {
  let status: NTSTATUS = STATUS_UNSUCCESSFUL;
  let cancel = false;
  let completeRequest = false;
  const queue = WdfTimerGetParentObject(Timer) as WDFQUEUE;
  const queueContext = QueueGetContext(queue);
  let requestContext: REQUEST_CONTEXT | null = null;
  WdfSpinLockAcquire(queueContext.SpinLock!);
  const request = queueContext.CurrentRequest;
  if (request !== null) {
    requestContext = RequestGetContext(request);
    if (EchoIncrementRequestCancelOwnershipCount(requestContext)) cancel = true;
  }
  WdfSpinLockRelease(queueContext.SpinLock!);
  if (!cancel) return;
  status = WdfRequestUnmarkCancelable(request!);
  if (status !== STATUS_CANCELLED) {
    requestContext!.CancelCompletionOwnershipCount.value -= 2;
    completeRequest = true;
  } else {
    completeRequest = EchoDecrementRequestCancelOwnershipCount(requestContext!);
  }
  if (completeRequest) {
    WdfSpinLockAcquire(queueContext.SpinLock!);
    queueContext.CurrentRequest = null;
    status = queueContext.CurrentStatus;
    WdfSpinLockRelease(queueContext.SpinLock!);
    queueContext.CompletedByTimer++;
    WdfRequestComplete(request!, status);
  }
}
