import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, METHOD_NEITHER, METHOD_OUT_DIRECT, MmGetMdlByteCount, MmGetSystemAddressForMdlSafe,
  NT_SUCCESS, Out, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, UserMode, type DRIVER_OBJECT, type MDL, type NTSTATUS,
} from "@wdfjs/kernel";
import { GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WdfControlDeviceInitAllocate, WdfControlFinishInitializing,
  WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceInitAssignName, WdfDeviceInitSetIoType, WdfDeviceIoBuffered, WdfDeviceIoDirect, WdfDriverCreate,
  WdfDriverInitNonPnpDriver, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfRequestCompleteWithPriorityBoost, WdfRequestGetInformation, WdfRequestGetRequestorMode,
  WdfRequestIsFrom32BitProcess, WdfRequestRetrieveInputBuffer, WdfRequestRetrieveInputWdmMdl, WdfRequestRetrieveOutputBuffer, WdfRequestRetrieveOutputWdmMdl,
  WdfRequestSetInformation, WdfRequestWdmGetIrp, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFREQUEST, type WDF_DEVICE_IO_TYPE,
} from "../src/index.js";

/*
 * A control device whose default queue runs the test's probe on each request (EvtIoDefault), then
 * completes it with WdfRequestCompleteWithPriorityBoost and the Information the probe set.
 */
type Probe = (Request: WDFREQUEST) => void;

function load(ioType: WDF_DEVICE_IO_TYPE) {
  const d: { probe: Probe } = { probe: () => {} };
  function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\BUFS");
    WdfDeviceInitSetIoType(init.value, ioType);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    const q = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(q, WdfIoQueueDispatchParallel);
    q.EvtIoDefault = (_Queue, Request) => {
      d.probe(Request);
      WdfRequestCompleteWithPriorityBoost(Request, STATUS_SUCCESS, 2);
    };
    status = WdfIoQueueCreate(device.value!, q, null, null);
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\BUFS");
    WdfControlFinishInitializing(device.value!);
    return status;
  }
  const machine = boot({ seed: 4 });
  expect(machine.loadDriver("bufs", DriverEntry)).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(machine, "bufs.exe");
  const h = app.CreateFile("\\\\.\\BUFS", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(-1);
  return { machine, d, app, h };
}

/** An MDL as the driver would describe it: its system address and byte count, or the failure status. */
function describeMdl(status: NTSTATUS, mdl: MDL | null): string {
  return NT_SUCCESS(status) ? `${MmGetSystemAddressForMdlSafe(mdl!, 0).toString(16)}+${MmGetMdlByteCount(mdl!)}` : `0x${(status >>> 0).toString(16)}`;
}

describe("request buffers as WDM MDLs, the IRP and its requestor", () => {
  it("buffered write: the input MDL is one the framework builds over the system buffer; a write has no output MDL", () => {
    const { d, app, h } = load(WdfDeviceIoBuffered);
    const seen: string[] = [];
    d.probe = (Request) => {
      const mdl = Out<MDL | null>(null);
      const buf = Out(0);
      expect(WdfRequestRetrieveInputBuffer(Request, 1, buf, null)).toBe(STATUS_SUCCESS);
      seen.push(describeMdl(WdfRequestRetrieveInputWdmMdl(Request, mdl), mdl.value) === `${buf.value.toString(16)}+12` ? "system buffer" : "other");
      const again = Out<MDL | null>(null);
      WdfRequestRetrieveInputWdmMdl(Request, again);
      seen.push(again.value === mdl.value ? "same MDL" : "new MDL");
      seen.push(describeMdl(WdfRequestRetrieveOutputWdmMdl(Request, mdl), mdl.value));
      seen.push(`user mode ${WdfRequestGetRequestorMode(Request) === UserMode}, 32-bit ${WdfRequestIsFrom32BitProcess(Request)}, irp ${WdfRequestWdmGetIrp(Request) !== null}`);
      WdfRequestSetInformation(Request, 12);
      expect(WdfRequestGetInformation(Request)).toBe(12);
    };
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(12), 12, n, null)).toBe(true);
    expect(n.value).toBe(12);
    expect(seen).toEqual(["system buffer", "same MDL", `0x${(STATUS_INVALID_DEVICE_REQUEST >>> 0).toString(16)}`, "user mode true, 32-bit false, irp true"]);
  });

  it("direct read: the output MDL is the I/O manager's; a read has no input MDL", () => {
    const { d, app, h } = load(WdfDeviceIoDirect);
    const seen: string[] = [];
    d.probe = (Request) => {
      const mdl = Out<MDL | null>(null);
      expect(WdfRequestRetrieveOutputWdmMdl(Request, mdl)).toBe(STATUS_SUCCESS);
      seen.push(mdl.value === WdfRequestWdmGetIrp(Request)!.MdlAddress ? "irp MDL" : "other");
      seen.push(describeMdl(WdfRequestRetrieveInputWdmMdl(Request, mdl), mdl.value));
    };
    expect(app.ReadFile(h, app.alloc(32), 32, Out(0), null)).toBe(true);
    expect(seen).toEqual(["irp MDL", `0x${(STATUS_INVALID_DEVICE_REQUEST >>> 0).toString(16)}`]);
  });

  it("IOCTLs: METHOD_OUT_DIRECT's output is the IRP's MDL and its input a framework MDL; METHOD_BUFFERED with no input is STATUS_BUFFER_TOO_SMALL; METHOD_NEITHER has none", () => {
    const { d, app, h } = load(WdfDeviceIoBuffered);
    const seen: string[] = [];
    d.probe = (Request) => {
      const mdl = Out<MDL | null>(null);
      const irp = WdfRequestWdmGetIrp(Request)!;
      const outBuf = Out(0);
      const outLen = Out(0);
      const outBufStatus = WdfRequestRetrieveOutputBuffer(Request, 0, outBuf, outLen);
      const out = WdfRequestRetrieveOutputWdmMdl(Request, mdl);
      if (NT_SUCCESS(out) && mdl.value === irp.MdlAddress) seen.push("output: irp MDL");
      else if (NT_SUCCESS(outBufStatus) && describeMdl(out, mdl.value) === `${outBuf.value.toString(16)}+${outLen.value}`) seen.push("output: system buffer");
      else seen.push(`output: ${describeMdl(out, mdl.value)}`);
      const input = Out(0);
      const inputLength = Out(0);
      const st = WdfRequestRetrieveInputBuffer(Request, 0, input, inputLength);
      const s2 = WdfRequestRetrieveInputWdmMdl(Request, mdl);
      seen.push(NT_SUCCESS(st) && describeMdl(s2, mdl.value) === `${input.value.toString(16)}+${inputLength.value}` ? "input: system buffer" : `input: ${describeMdl(s2, mdl.value)}`);
    };
    const buf = app.alloc(64);
    const code = (method: number) => CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, method, FILE_ANY_ACCESS);
    expect(app.DeviceIoControl(h, code(METHOD_OUT_DIRECT), buf, 8, app.alloc(16), 16, Out(0), null)).toBe(true);
    expect(app.DeviceIoControl(h, code(METHOD_BUFFERED), 0, 0, buf, 16, Out(0), null)).toBe(true);
    expect(app.DeviceIoControl(h, code(METHOD_NEITHER), buf, 8, buf, 8, Out(0), null)).toBe(true);
    const tooSmall = `0x${(STATUS_BUFFER_TOO_SMALL >>> 0).toString(16)}`;
    const invalid = `0x${(STATUS_INVALID_DEVICE_REQUEST >>> 0).toString(16)}`;
    expect(seen).toEqual([
      "output: irp MDL", "input: system buffer",
      // METHOD_BUFFERED's output MDL is the framework's over the system buffer; no input: too small.
      "output: system buffer", `input: ${tooSmall}`,
      `output: ${invalid}`, `input: ${invalid}`,
    ]);
  });
});
