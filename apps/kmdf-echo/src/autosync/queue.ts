/**
 * general/echo/kmdf/driver/AutoSync/queue.c: a sequential default queue with Queue-level
 * synchronization, so the I/O callbacks, the cancel callback and the timer (parented to the
 * queue, AutomaticSerialization) never run at the same time and touch QUEUE_CONTEXT without a lock.
 */
import { ExAllocatePool2, ExFreePool, NT_SUCCESS, Out, POOL_FLAG_NON_PAGED, POOL_TAG, STATUS_BUFFER_OVERFLOW, STATUS_CANCELLED, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_TIMER_CONFIG, WDF_TIMER_CONFIG_INIT_PERIODIC, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfMemoryCopyFromBuffer,
  WdfMemoryCopyToBuffer, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestGetIoQueue, WdfRequestMarkCancelable, WdfRequestRetrieveInputMemory,
  WdfRequestRetrieveOutputMemory, WdfRequestSetInformation, WdfRequestUnmarkCancelable, WdfSynchronizationScopeQueue, WdfTimerCreate, WdfTimerGetParentObject,
  type Box, type WDFDEVICE, type WDFMEMORY, type WDFOBJECT, type WDFQUEUE, type WDFREQUEST, type WDFTIMER,
} from "../kmdf.js";
import { MAX_WRITE_LENGTH } from "../public.js";

/** queue.h: TIMER_PERIOD (ms). */
export const TIMER_PERIOD = 1000 * 2;

/** QUEUE_CONTEXT: the last write's data (nonpaged pool), the timer, and the request waiting for its tick. */
export class QUEUE_CONTEXT {
  Buffer = 0;
  Length = 0;
  Timer: WDFTIMER | null = null;
  CurrentRequest: WDFREQUEST | null = null;
  CurrentStatus: NTSTATUS = STATUS_INVALID_DEVICE_REQUEST;
  /** Not in the C: how many requests the timer completed (for the tests). */
  CompletedByTimer = 0;
}
export const QueueGetContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QUEUE_CONTEXT, "QueueGetContext");

/** EchoQueueInitialize: the default sequential queue (Read and Write), its context and its timer. */
export function EchoQueueInitialize(Device: WDFDEVICE): NTSTATUS {
  const queueConfig = new WDF_IO_QUEUE_CONFIG();
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoRead = EchoEvtIoRead;
  queueConfig.EvtIoWrite = EchoEvtIoWrite;
  const queueAttributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(queueAttributes, QUEUE_CONTEXT);
  // Serialize the queue's callbacks with the cancel routine and the timer DPC.
  queueAttributes.SynchronizationScope = WdfSynchronizationScopeQueue;
  queueAttributes.EvtDestroyCallback = EchoEvtIoQueueContextDestroy;
  const queue = Out<WDFQUEUE | null>(null);
  let status = WdfIoQueueCreate(Device, queueConfig, queueAttributes, queue);
  if (!NT_SUCCESS(status)) return status;
  const queueContext = QueueGetContext(queue.value!);
  queueContext.Buffer = 0;
  queueContext.Timer = null;
  queueContext.CurrentRequest = null;
  queueContext.CurrentStatus = STATUS_INVALID_DEVICE_REQUEST;
  const timer = Out<WDFTIMER | null>(null);
  status = EchoTimerCreate(timer, TIMER_PERIOD, queue.value!);
  queueContext.Timer = timer.value;
  return status;
}

/** EchoTimerCreate: a periodic timer parented to the queue, so the framework serializes it with the queue's callbacks. */
export function EchoTimerCreate(Timer: Box<WDFTIMER | null>, Period: number, Queue: WDFQUEUE): NTSTATUS {
  const timerConfig = new WDF_TIMER_CONFIG();
  WDF_TIMER_CONFIG_INIT_PERIODIC(timerConfig, EchoEvtTimerFunc, Period);
  const timerAttributes = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT(timerAttributes);
  timerAttributes.ParentObject = Queue; // Synchronize with the I/O Queue
  return WdfTimerCreate(timerConfig, timerAttributes, Timer);
}

/** EchoEvtIoQueueContextDestroy: the stored buffer goes with the queue. */
export function EchoEvtIoQueueContextDestroy(Object: WDFOBJECT): void {
  const queueContext = QueueGetContext(Object);
  if (queueContext.Buffer !== 0) ExFreePool(queueContext.Buffer);
}

/** EchoEvtRequestCancel: serialized with the I/O callbacks and the timer by the queue's lock. */
export function EchoEvtRequestCancel(Request: WDFREQUEST): void {
  const queueContext = QueueGetContext(WdfRequestGetIoQueue(Request)!);
  WdfRequestCompleteWithInformation(Request, STATUS_CANCELLED, 0);
  queueContext.CurrentRequest = null;
}

/** EchoEvtIoRead: no data yet → success with 0 bytes at once; else copy what fits and wait for the timer. */
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
  WdfRequestMarkCancelable(Request, EchoEvtRequestCancel);
  queueContext.CurrentRequest = Request;
  queueContext.CurrentStatus = Status;
}

/** EchoEvtIoWrite: more than MAX_WRITE_LENGTH fails; else the data replaces the buffer and the request waits for the timer. */
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
  WdfRequestMarkCancelable(Request, EchoEvtRequestCancel);
  queueContext.CurrentRequest = Request;
  queueContext.CurrentStatus = Status;
}

/** EchoEvtTimerFunc: completes the waiting request unless its cancel callback has it. */
export function EchoEvtTimerFunc(Timer: WDFTIMER): void {
  const queue = WdfTimerGetParentObject(Timer) as WDFQUEUE;
  const queueContext = QueueGetContext(queue);
  const Request = queueContext.CurrentRequest;
  if (Request !== null) {
    let Status = WdfRequestUnmarkCancelable(Request);
    if (Status !== STATUS_CANCELLED) {
      queueContext.CurrentRequest = null;
      Status = queueContext.CurrentStatus;
      queueContext.CompletedByTimer++;
      WdfRequestComplete(Request, Status);
    }
  }
}
