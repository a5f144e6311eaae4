import { describe, expect, it } from "vitest";
import {
  boot, FILE_NON_DIRECTORY_FILE, FILE_OPEN, FILE_OPEN_IF, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT, GENERIC_READ,
  InitializeObjectAttributes, IO_STATUS_BLOCK, IoGetCurrentIrpStackLocation, IRP_MJ_CREATE, NotificationEvent, NtCreateEvent, NtCreateFile,
  NtCreateIoCompletion, NtRemoveIoCompletion, NtSetEvent, NtSetIoCompletion, NtWaitForSingleObject, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE,
  OBJECT_ATTRIBUTES, Out, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_INVALID, STATUS_SUCCESS, STATUS_TIMEOUT, SynchronizationEvent,
  type Machine, type NTSTATUS,
} from "../src/index.js";
import { client, complete, tinyDriver, type Client } from "./helpers.js";

function attributes(name: string | null, Attributes = OBJ_CASE_INSENSITIVE): OBJECT_ATTRIBUTES {
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, name, Attributes, null, null);
  return oa;
}

/** A driver that records what each IRP_MJ_CREATE carried. */
function createRecorder(m: Machine, name: string) {
  const creates: { ShareAccess: number; Disposition: number; Options: number; FileName: string }[] = [];
  const drv = tinyDriver({
    name,
    dispatch: {
      [IRP_MJ_CREATE]: (_dev, Irp) => {
        const sl = IoGetCurrentIrpStackLocation(Irp);
        const o = sl.Parameters.Create.Options;
        creates.push({ ShareAccess: sl.Parameters.Create.ShareAccess, Disposition: o >>> 24, Options: o & 0xffffff, FileName: sl.FileObject!.FileName });
        return complete(Irp, STATUS_SUCCESS);
      },
    },
  });
  expect(m.loadDriver(name, drv.DriverEntry)).toBe(STATUS_SUCCESS);
  return creates;
}

function createFile(m: Machine, c: Client, oa: OBJECT_ATTRIBUTES | null): { status: NTSTATUS; handle: number } {
  const h = Out(-1);
  const status = m.syscall(c.thread, () => NtCreateFile(h, GENERIC_READ, oa, new IO_STATUS_BLOCK(), null, 0, 0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, null, 0));
  return { status, handle: h.value };
}

describe("Ob: OBJECT_ATTRIBUTES", () => {
  it("InitializeObjectAttributes fills every field of the structure", () => {
    const oa = new OBJECT_ATTRIBUTES();
    const sd = {};
    InitializeObjectAttributes(oa, "\\Device\\X", OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, sd);
    expect({ ...oa }).toEqual({
      Length: 48, RootDirectory: null, ObjectName: "\\Device\\X", Attributes: 0x240, SecurityDescriptor: sd, SecurityQualityOfService: null,
    });
  });

  it("NtCreateFile takes the WDK's parameters in order: share access, disposition and options reach IRP_MJ_CREATE", () => {
    const m = boot();
    const creates = createRecorder(m, "Order");
    const c = client(m);
    const h = Out(0);
    const iosb = new IO_STATUS_BLOCK();
    const st = m.syscall(c.thread, () =>
      NtCreateFile(h, GENERIC_READ, attributes("\\??\\Order\\f.txt"), iosb, null, 0x80, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF,
        FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, null, 0),
    );
    expect(st).toBe(STATUS_SUCCESS);
    expect(h.value).toBe(4);
    expect(creates).toEqual([
      { ShareAccess: FILE_SHARE_READ | FILE_SHARE_WRITE, Disposition: FILE_OPEN_IF, Options: FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, FileName: "\\f.txt" },
    ]);
  });

  it("NtCreateFile without a name is STATUS_OBJECT_NAME_INVALID and sends nothing", () => {
    const m = boot();
    const creates = createRecorder(m, "Nameless");
    const c = client(m);
    for (const oa of [null, attributes(null), attributes("")]) expect(createFile(m, c, oa)).toEqual({ status: STATUS_OBJECT_NAME_INVALID, handle: 0 });
    expect(creates).toEqual([]);
    expect(createFile(m, c, attributes("\\??\\nameless")).status).toBe(STATUS_SUCCESS);
  });

  it("malformed OBJECT_ATTRIBUTES are STATUS_INVALID_PARAMETER for files, events and completion ports", () => {
    const m = boot();
    const creates = createRecorder(m, "Bad");
    const c = client(m);
    const badLength = attributes("\\??\\Bad");
    badLength.Length = 0;
    const badBits = attributes("\\??\\Bad", 0x1);
    const relative = attributes("Bad");
    relative.RootDirectory = 4;
    for (const oa of [badLength, badBits, relative]) {
      expect(createFile(m, c, oa).status).toBe(STATUS_INVALID_PARAMETER);
      expect(m.syscall(c.thread, () => NtCreateEvent(Out(0), 0, oa, NotificationEvent, false))).toBe(STATUS_INVALID_PARAMETER);
      expect(m.syscall(c.thread, () => NtCreateIoCompletion(Out(0), 0, oa, 1))).toBe(STATUS_INVALID_PARAMETER);
    }
    expect(creates).toEqual([]);
  });

  it("NtCreateEvent takes ObjectAttributes before the event type and initial state", () => {
    const m = boot();
    const c = client(m);
    const auto = Out(0);
    const manual = Out(0);
    m.syscall(c.thread, () => NtCreateEvent(auto, 0, null, SynchronizationEvent, true));
    m.syscall(c.thread, () => NtCreateEvent(manual, 0, attributes(null), NotificationEvent, false));
    const waits = m.syscall(c.thread, () => {
      const r = [NtWaitForSingleObject(auto.value, false, 0), NtWaitForSingleObject(auto.value, false, 0), NtWaitForSingleObject(manual.value, false, 0)];
      NtSetEvent(manual.value, null);
      r.push(NtWaitForSingleObject(manual.value, false, 0), NtWaitForSingleObject(manual.value, false, 0));
      return r;
    });
    // The auto-reset event starts signalled and one wait consumes it; the manual one stays signalled once set.
    expect(waits).toEqual([STATUS_SUCCESS, STATUS_TIMEOUT, STATUS_TIMEOUT, STATUS_SUCCESS, STATUS_SUCCESS]);
  });

  it("NtCreateIoCompletion takes ObjectAttributes before the concurrency count", () => {
    const m = boot();
    const c = client(m);
    const port = Out(0);
    expect(m.syscall(c.thread, () => NtCreateIoCompletion(port, 0, null, 1))).toBe(STATUS_SUCCESS);
    const key = Out(0);
    const ctx = Out<unknown>(null);
    const iosb = new IO_STATUS_BLOCK();
    const st = m.syscall(c.thread, () => {
      NtSetIoCompletion(port.value, 7, "ctx", STATUS_SUCCESS, 3);
      return NtRemoveIoCompletion(port.value, key, ctx, iosb, 0);
    });
    expect([st, key.value, ctx.value, iosb.Information]).toEqual([STATUS_SUCCESS, 7, "ctx", 3]);
  });

  it("OBJ_KERNEL_HANDLE from a client gives an ordinary handle; in the System process every handle is a kernel handle", () => {
    const m = boot();
    const c = client(m);
    const user = Out(0);
    const kernel = Out(0);
    m.syscall(c.thread, () => NtCreateEvent(user, 0, attributes(null, OBJ_KERNEL_HANDLE), NotificationEvent, false));
    m.runInKernel(() => NtCreateEvent(kernel, 0, null, NotificationEvent, false));
    expect([user.value, kernel.value]).toEqual([4, 0x80000004]);
  });
});
