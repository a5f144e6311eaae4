import { describe, expect, it } from "vitest";
import { boot, NT_SUCCESS, Out, STATUS_ACCESS_DENIED, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  ERROR_ACCESS_DENIED, ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, OVERLAPPED, Win32Process,
  type HANDLE,
} from "@wdfjs/win32";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WDF_IO_QUEUE_CONFIG,
  WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_REQUEST_PARAMETERS,
  WDF_REQUEST_PARAMETERS_INIT, WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceConfigureRequestDispatching, WdfDeviceCreate,
  WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName, WdfDeviceInitSetExclusive, WdfDeviceInitSetFileObjectConfig, WdfDriverCreate, WdfDriverInitNonPnpDriver,
  WdfFileObjectGetDevice, WdfFileObjectGetFileName, WdfFileObjectWdmGetFileObject, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueDispatchSequential,
  WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestGetFileObject, WdfRequestGetParameters, WdfRequestTypeCreate, type PWDFDEVICE_INIT,
  type WDFDEVICE, type WDFDRIVER, type WDFFILEOBJECT, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";

/*
 * A control device with file object support: a context per open (the open's number), creates
 * failed for the name "\deny", and a sequential queue that keeps each read for the test to
 * complete. Options: no file object config at all; creates routed to a queue (EvtIoDefault).
 */
class FILE_CONTEXT {
  Number = 0;
}
const GetFileContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILE_CONTEXT, "GetFileContext");

interface Driver {
  device: WDFDEVICE | null;
  log: string[];
  reads: WDFREQUEST[];
  opens: number;
}

interface Options {
  fileObjects: boolean;
  createQueue: boolean;
  exclusive: boolean;
}

function makeDriver(d: Driver, o: Options) {
  function describe(FileObject: WDFFILEOBJECT | null): string {
    return FileObject === null ? "no file object" : `#${GetFileContext(FileObject).Number}`;
  }
  function EvtDeviceFileCreate(Device: WDFDEVICE, Request: WDFREQUEST, FileObject: WDFFILEOBJECT | null): void {
    const context = GetFileContext(FileObject!);
    context.Number = ++d.opens;
    const name = WdfFileObjectGetFileName(FileObject!);
    d.log.push(`create ${describe(FileObject)} ${name} device ${WdfFileObjectGetDevice(FileObject!) === Device} wdm ${WdfFileObjectWdmGetFileObject(FileObject!) !== null}`);
    expect(WdfRequestGetFileObject(Request)).toBe(FileObject);
    WdfRequestComplete(Request, name === "\\deny" ? STATUS_ACCESS_DENIED : STATUS_SUCCESS);
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\FILES");
    WdfDeviceInitSetExclusive(init.value, o.exclusive);
    if (o.fileObjects) {
      const fileConfig = new WDF_FILEOBJECT_CONFIG();
      WDF_FILEOBJECT_CONFIG_INIT(fileConfig, o.createQueue ? null : EvtDeviceFileCreate, (fo) => d.log.push(`close ${describe(fo)}`),
        (fo) => d.log.push(`cleanup ${describe(fo)}`));
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, FILE_CONTEXT);
      WdfDeviceInitSetFileObjectConfig(init.value, fileConfig, attributes);
    }
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    d.device = device.value;
    const q = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(q, WdfIoQueueDispatchSequential);
    q.EvtIoRead = (_queue, Request) => {
      const fo = WdfRequestGetFileObject(Request);
      d.log.push(`read ${fo === null ? "no file object" : `#${GetFileContext(fo).Number}`}`);
      d.reads.push(Request);
    };
    status = WdfIoQueueCreate(device.value!, q, null, null);
    if (!NT_SUCCESS(status)) return status;
    if (o.createQueue) {
      const cq = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT(cq, WdfIoQueueDispatchParallel);
      cq.EvtIoDefault = (_queue: WDFQUEUE, Request: WDFREQUEST) => {
        const params = new WDF_REQUEST_PARAMETERS();
        WDF_REQUEST_PARAMETERS_INIT(params);
        WdfRequestGetParameters(Request, params);
        const fo = WdfRequestGetFileObject(Request);
        if (fo !== null) GetFileContext(fo).Number = ++d.opens;
        d.log.push(`create queue: type create ${params.Type === WdfRequestTypeCreate}, ${describe(fo)}`);
        WdfRequestComplete(Request, STATUS_SUCCESS);
      };
      const queue = Out<WDFQUEUE | null>(null);
      status = WdfIoQueueCreate(device.value!, cq, null, queue);
      if (!NT_SUCCESS(status)) return status;
      status = WdfDeviceConfigureRequestDispatching(device.value!, queue.value!, WdfRequestTypeCreate);
      if (!NT_SUCCESS(status)) return status;
    }
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\FILES");
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    return STATUS_SUCCESS;
  };
}

function load(options: Partial<Options> = {}) {
  const machine = boot({ seed: 21 });
  const d: Driver = { device: null, log: [], reads: [], opens: 0 };
  expect(machine.loadDriver("files", makeDriver(d, { fileObjects: true, createQueue: false, exclusive: false, ...options }))).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(machine, "files.exe");
  return { machine, d, app };
}

function open(app: Win32Process, name = ""): HANDLE {
  return app.CreateFile(`\\\\.\\FILES${name}`, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
}

function pendingRead(app: Win32Process, h: HANDLE): OVERLAPPED {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  expect(app.ReadFile(h, app.alloc(4), 4, null, ov)).toBe(false);
  expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
  return ov;
}

function result(app: Win32Process, h: HANDLE, ov: OVERLAPPED): number | string {
  const n = Out(0);
  return app.GetOverlappedResult(h, ov, n, false) ? n.value : `error ${app.GetLastError()}`;
}

describe("WDFFILEOBJECT: EvtDeviceFileCreate, EvtFileCleanup, EvtFileClose", () => {
  it("each open gets its file object with its own context and name; the driver completes the create, and a failed one fails CreateFile", () => {
    const { machine, d, app } = load();
    const a = open(app, "\\first.log");
    const b = open(app);
    expect(a).not.toBe(-1);
    expect(b).not.toBe(-1);
    expect(open(app, "\\deny")).toBe(-1);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(app.CloseHandle(b)).toBe(true);
    expect(app.CloseHandle(a)).toBe(true);
    machine.run();
    expect(d.log).toEqual([
      "create #1 \\first.log device true wdm true", "create #2 null device true wdm true", "create #3 \\deny device true wdm true",
      "cleanup #2", "close #2", "cleanup #1", "close #1",
    ]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("cleanup cancels the file's requests still waiting in the queues; the one the driver holds and other files' stay", () => {
    const { machine, d, app } = load();
    const a = open(app);
    const b = open(app);
    const held = pendingRead(app, a);
    const waiting = pendingRead(app, a);
    const other = pendingRead(app, b);
    expect(d.log.slice(2)).toEqual(["read #1"]);
    expect(app.CloseHandle(a)).toBe(true);
    machine.run();
    expect(result(app, a, waiting)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    expect(d.log.slice(3)).toEqual(["cleanup #1"]);
    machine.runInKernel(() => WdfRequestCompleteWithInformation(d.reads[0]!, STATUS_SUCCESS, 4));
    machine.run();
    expect(result(app, a, held)).toBe(4);
    // The other file's read is presented next, and the closed file's close came once its last request was done.
    expect(d.log.slice(4)).toContain("read #2");
    expect(d.log.slice(4)).toContain("close #1");
    machine.runInKernel(() => WdfRequestCompleteWithInformation(d.reads[1]!, STATUS_SUCCESS, 2));
    machine.run();
    expect(result(app, b, other)).toBe(2);
  });

  it("WdfDeviceConfigureRequestDispatching(WdfRequestTypeCreate) sends creates to the queue's EvtIoDefault", () => {
    const { machine, d, app } = load({ createQueue: true });
    const h = open(app);
    expect(h).not.toBe(-1);
    pendingRead(app, h);
    expect(app.CloseHandle(h)).toBe(true);
    machine.run();
    expect(d.log.slice(0, 3)).toEqual(["create queue: type create true, #1", "read #1", "cleanup #1"]);
  });

  it("without a file object config the framework opens and closes alone; requests have no WDFFILEOBJECT; the exclusive check stays", () => {
    const { machine, d, app } = load({ fileObjects: false, exclusive: true });
    const h = open(app);
    expect(h).not.toBe(-1);
    expect(open(app)).toBe(-1);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    pendingRead(app, h);
    expect(d.log).toEqual(["read no file object"]);
    machine.runInKernel(() => WdfRequestComplete(d.reads[0]!, STATUS_SUCCESS));
    expect(app.CloseHandle(h)).toBe(true);
    machine.run();
    // The handle count went back to zero: the device can be opened again.
    const again = open(app);
    expect(again).not.toBe(-1);
  });

  it("a failed create gives back its open handle on an exclusive device", () => {
    const { app } = load({ exclusive: true });
    expect(open(app, "\\deny")).toBe(-1);
    expect(open(app)).not.toBe(-1);
  });
});
