import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, ExFreePool, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoCompleteRequest, IoGetCurrentIrpStackLocation, IoGetDeviceInterfaces, IoSkipCurrentIrpStackLocation,
  IO_NO_INCREMENT, IRP_MJ_CLOSE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, STATUS_INVALID_DEVICE_STATE, type NTSTATUS, METHOD_BUFFERED, Out, ReadMultiSz, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Machine,
} from "@wdfjs/kernel";
import { GENERIC_READ, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_DISPATCH_IRP_TO_IO_QUEUE_PREPROCESSED_IRP, WdfDeviceCreateDeviceInterface,
  WdfDeviceInitAssignWdmIrpPreprocessCallback, WdfDeviceWdmDispatchIrpToIoQueue, WdfDeviceWdmDispatchPreprocessedIrp, WdfIoQueueCreate, WdfIoQueueDispatchSequential,
  WdfRequestCompleteWithInformation, WdfDeviceConfigureWdmIrpDispatchCallback, WdfDeviceWdmDispatchIrp, type WDFQUEUE,
} from "../src/index.js";
import { installFdo, newFdoLog } from "./kmdf-fdo-harness.js";

const GUID = "{5b6c7d8e-1a2b-4c3d-8e9f-a0b1c2d3e4f5}";
const IOCTL_MINE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_QUEUE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);

function open(m: Machine): { app: Win32Process; h: number } {
  const link = m.runInKernel(() => {
    const list = Out(0);
    expect(IoGetDeviceInterfaces(GUID, null, 0, list)).toBe(STATUS_SUCCESS);
    const r = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return r[0]!;
  });
  const app = Win32Process.create(m, "wdmirp.exe");
  const h = app.CreateFile(link.replace(/^\\\?\?\\/, "\\\\?\\"), GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(-1);
  return { app, h };
}

describe("KMDF WDM IRP preprocessing", () => {
  it("EvtDeviceWdmIrpPreprocess sees the IOCTLs first: it completes one itself and hands the other back with WdfDeviceWdmDispatchPreprocessedIrp to the queue", () => {
    const m = boot();
    const seen: string[] = [];
    let readQueue: WDFQUEUE | null = null;
    const log = newFdoLog({
      onInit: (init) => {
        expect(WdfDeviceInitAssignWdmIrpPreprocessCallback(init, (Device, Irp) => {
          const code = IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
          seen.push(code === IOCTL_MINE ? "preprocess mine" : "preprocess other");
          if (code === IOCTL_MINE) {
            Irp.IoStatus.Status = STATUS_SUCCESS;
            Irp.IoStatus.Information = 0;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_SUCCESS;
          }
          IoSkipCurrentIrpStackLocation(Irp);
          return WdfDeviceWdmDispatchPreprocessedIrp(Device, Irp);
        }, IRP_MJ_DEVICE_CONTROL, null, 0)).toBe(STATUS_SUCCESS);
        // Reads go straight to a queue of the driver's choosing.
        expect(WdfDeviceInitAssignWdmIrpPreprocessCallback(init, (Device, Irp) => {
          seen.push("preprocess read");
          IoSkipCurrentIrpStackLocation(Irp);
          return WdfDeviceWdmDispatchIrpToIoQueue(Device, Irp, readQueue!, WDF_DISPATCH_IRP_TO_IO_QUEUE_PREPROCESSED_IRP);
        }, IRP_MJ_READ, null, 0)).toBe(STATUS_SUCCESS);
        expect(WdfDeviceInitAssignWdmIrpPreprocessCallback(init, () => STATUS_SUCCESS, 0x1c, null, 0)).toBe(STATUS_INVALID_PARAMETER);
      },
      onDevice: (d) => {
        const config = new WDF_IO_QUEUE_CONFIG();
        WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchSequential);
        config.EvtIoDeviceControl = (_q, Request) => (seen.push("queue ioctl"), WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0));
        config.EvtIoRead = (_q, Request) => (seen.push("default queue read"), WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0));
        expect(WdfIoQueueCreate(d, config, null, Out<WDFQUEUE | null>(null))).toBe(STATUS_SUCCESS);
        const other = new WDF_IO_QUEUE_CONFIG();
        WDF_IO_QUEUE_CONFIG_INIT(other, WdfIoQueueDispatchSequential);
        other.EvtIoRead = (_q, Request) => (seen.push("read queue read"), WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 3));
        const q = Out<WDFQUEUE | null>(null);
        expect(WdfIoQueueCreate(d, other, null, q)).toBe(STATUS_SUCCESS);
        readQueue = q.value;
        return WdfDeviceCreateDeviceInterface(d, GUID, null);
      },
    });
    installFdo(m, log);
    const { app, h } = open(m);
    const n = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_MINE, 0, 0, 0, 0, n, null)).toBe(true);
    expect(app.DeviceIoControl(h, IOCTL_QUEUE, 0, 0, 0, 0, n, null)).toBe(true);
    const buf = app.alloc(8);
    expect(app.ReadFile(h, buf, 8, n, null)).toBe(true);
    expect(n.value).toBe(3);
    expect(seen).toEqual(["preprocess mine", "preprocess other", "queue ioctl", "preprocess read", "read queue read"]);
    app.CloseHandle(h);
  });
});

describe("KMDF WDM IRP dispatch callbacks", () => {
  it("EvtDeviceWdmIrpDispatch sees each IOCTL with its code before the queues: it fails one, WdfDeviceWdmDispatchIrp sends the other on; too late or a wrong major is refused", () => {
    const m = boot();
    const seen: string[] = [];
    const statuses: NTSTATUS[] = [];
    const log = newFdoLog({
      onDevice: (d) => {
        statuses.push(WdfDeviceConfigureWdmIrpDispatchCallback(d, null, IRP_MJ_DEVICE_CONTROL, (Device, _mj, _mn, Code, DriverContext, Irp, DispatchContext) => {
          seen.push(`dispatch ${Code === IOCTL_MINE ? "mine" : "other"} ${String(DriverContext)}`);
          if (Code !== IOCTL_MINE) return WdfDeviceWdmDispatchIrp(Device, Irp, DispatchContext);
          Irp.IoStatus.Status = STATUS_INVALID_PARAMETER;
          IoCompleteRequest(Irp, IO_NO_INCREMENT);
          return STATUS_INVALID_PARAMETER;
        }, "ctx"));
        statuses.push(WdfDeviceConfigureWdmIrpDispatchCallback(d, null, IRP_MJ_CLOSE, () => STATUS_SUCCESS, null));
        statuses.push(WdfDeviceConfigureWdmIrpDispatchCallback(d, null, IRP_MJ_DEVICE_CONTROL, () => STATUS_SUCCESS, null));
        const config = new WDF_IO_QUEUE_CONFIG();
        WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchSequential);
        config.EvtIoDeviceControl = (_q, Request) => (seen.push("queue ioctl"), WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0));
        expect(WdfIoQueueCreate(d, config, null, Out<WDFQUEUE | null>(null))).toBe(STATUS_SUCCESS);
        return WdfDeviceCreateDeviceInterface(d, GUID, null);
      },
    });
    installFdo(m, log);
    expect(statuses).toEqual([STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER]);
    m.runInKernel(() => expect(WdfDeviceConfigureWdmIrpDispatchCallback(log.device!, null, IRP_MJ_READ, () => STATUS_SUCCESS, null)).toBe(STATUS_INVALID_DEVICE_STATE));
    const { app, h } = open(m);
    const n = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_MINE, 0, 0, 0, 0, n, null)).toBe(false);
    expect(app.DeviceIoControl(h, IOCTL_QUEUE, 0, 0, 0, 0, n, null)).toBe(true);
    expect(seen).toEqual(["dispatch mine ctx", "dispatch other ctx", "queue ioctl"]);
    app.CloseHandle(h);
  });
});
