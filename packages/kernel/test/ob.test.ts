import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, FILE_READ_ACCESS, FILE_READ_DATA, FILE_WRITE_ACCESS, FILE_WRITE_DATA,
  GENERIC_READ, GENERIC_WRITE, IO_STATUS_BLOCK, IoCreateDevice, IoCreateSymbolicLink, IoGetCurrentIrpStackLocation, IoMarkIrpPending,
  IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, KernelMode, METHOD_BUFFERED,
  NotificationEvent, NtClose, NtCreateEvent, NtDeviceIoControlFile, NtReadFile, NtWriteFile, ObDereferenceObject,
  ObGetObjectPointerCount, ObReferenceObject, ObReferenceObjectByHandle, Out, REFERENCE_BY_POINTER, STATUS_ACCESS_DENIED,
  STATUS_INVALID_HANDLE, STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_TYPE_MISMATCH, STATUS_PENDING,
  STATUS_SUCCESS, UserMode, type DEVICE_OBJECT, type FILE_OBJECT, type IRP,
} from "../src/index.js";
import { bootWithDriver, client, complete, expectBugCheck, open, tinyDriver, userAlloc } from "./helpers.js";

const IOCTL_ANY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_READ = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_READ_ACCESS);
const IOCTL_WRITE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_WRITE_ACCESS);

/** A driver that remembers the file objects it was asked to open and what access they asked for. */
function recordingDriver(name: string, opts: { referenceOnCreate?: boolean } = {}) {
  const files: FILE_OBJECT[] = [];
  const access: number[] = [];
  const pending: IRP[] = [];
  const drv = tinyDriver({
    name,
    dispatch: {
      [IRP_MJ_CREATE]: (_d, irp) => {
        const sl = IoGetCurrentIrpStackLocation(irp);
        files.push(sl.FileObject!);
        access.push(sl.Parameters.Create.SecurityContext.DesiredAccess);
        if (opts.referenceOnCreate) ObReferenceObject(sl.FileObject!);
        return complete(irp, STATUS_SUCCESS);
      },
      [IRP_MJ_READ]: (_d, irp) => {
        IoMarkIrpPending(irp);
        pending.push(irp);
        return STATUS_PENDING;
      },
      [IRP_MJ_WRITE]: (_d, irp) => complete(irp, STATUS_SUCCESS, IoGetCurrentIrpStackLocation(irp).Parameters.Write.Length),
      [IRP_MJ_DEVICE_CONTROL]: (_d, irp) => complete(irp, STATUS_SUCCESS),
    },
  });
  return { drv, files, access, pending };
}

describe("Ob: the namespace", () => {
  it("IoCreateDevice names a device under \\Device and loadDriver names the driver under \\Driver", () => {
    const m = boot();
    const ns = m.ob.namespace;
    expect(ns.lookup("\\Driver\\Named")).toBeUndefined();
    const drv = tinyDriver({ name: "Named" });
    expect(m.loadDriver("Named", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    expect(ns.lookup("\\Device\\Named")).toBe(drv.device);
    expect(ns.lookup("\\Driver\\Named")).toBe(m.driver("Named"));
    expect(m.driver("Named")!.DriverName).toBe("\\Driver\\Named");
    m.unloadDriver("Named");
    expect(ns.lookup("\\Driver\\Named")).toBeUndefined();
  });

  it("a link made under \\DosDevices opens as \\??, \\DosDevices and \\GLOBAL??, and reaches the device", () => {
    const m = boot();
    const r = recordingDriver("Alias");
    m.loadDriver("alias", r.drv.DriverEntry);
    const c = client(m);
    for (const path of ["\\??\\Alias", "\\DosDevices\\Alias", "\\GLOBAL??\\Alias", "\\Device\\Alias"]) {
      expect(open(m, c, path).status).toBe(STATUS_SUCCESS);
    }
    expect(r.files).toHaveLength(4);
    for (const f of r.files) expect(f.DeviceObject).toBe(r.drv.device);
  });

  it("a link made under \\?? is reachable as \\DosDevices", () => {
    const m = boot();
    const r = recordingDriver("Qq");
    m.loadDriver("qq", r.drv.DriverEntry);
    expect(m.runInKernel(() => IoCreateSymbolicLink("\\??\\Other", "\\Device\\Qq"))).toBe(STATUS_SUCCESS);
    expect(open(m, client(m), "\\DosDevices\\Other").status).toBe(STATUS_SUCCESS);
    expect(r.files[0]!.DeviceObject).toBe(r.drv.device);
  });

  it("NtCreateFile follows chains of symbolic links and passes the rest of the path to the device", () => {
    const m = boot();
    const r = recordingDriver("Chain");
    m.loadDriver("chain", r.drv.DriverEntry);
    m.runInKernel(() => IoCreateSymbolicLink("\\??\\Second", "\\DosDevices\\Chain"));
    expect(open(m, client(m), "\\??\\Second\\dir\\file.txt").status).toBe(STATUS_SUCCESS);
    expect(r.files[0]!.DeviceObject).toBe(r.drv.device);
    expect(r.files[0]!.FileName).toBe("\\dir\\file.txt");
  });

  it("names are case-insensitive", () => {
    const m = boot();
    const r = recordingDriver("MiXeD");
    m.loadDriver("mixed", r.drv.DriverEntry);
    const c = client(m);
    expect(open(m, c, "\\??\\mixed").status).toBe(STATUS_SUCCESS);
    expect(open(m, c, "\\DEVICE\\MIXED").status).toBe(STATUS_SUCCESS);
    expect(open(m, c, "\\dosdevices\\MiXeD").status).toBe(STATUS_SUCCESS);
    expect(m.ob.namespace.lookup("\\driver\\MIXED")).toBe(m.driver("MIXED"));
  });

  it("an existing name is STATUS_OBJECT_NAME_COLLISION, for devices, links and drivers", () => {
    const m = boot();
    const r = recordingDriver("Taken");
    expect(m.loadDriver("taken", r.drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const st = m.runInKernel(() => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const a = IoCreateDevice(m.driver("taken")!, 0, "\\device\\TAKEN", FILE_DEVICE_UNKNOWN, 0, false, dev);
      return [a, dev.value, IoCreateSymbolicLink("\\DosDevices\\taken", "\\Device\\Taken"), IoCreateSymbolicLink("\\??\\TAKEN", "\\Device\\Taken")];
    });
    expect(st).toEqual([STATUS_OBJECT_NAME_COLLISION, null, STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_NAME_COLLISION]);
    expect(m.loadDriver("TAKEN", tinyDriver({ name: "Taken2" }).DriverEntry)).toBe(STATUS_OBJECT_NAME_COLLISION);
  });

  it("a name that does not exist is STATUS_OBJECT_NAME_NOT_FOUND; a driver is not a device", () => {
    const m = boot();
    const r = recordingDriver("Here");
    m.loadDriver("here", r.drv.DriverEntry);
    const c = client(m);
    expect(open(m, c, "\\??\\Nowhere").status).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
    expect(open(m, c, "\\Device\\Nowhere").status).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
    expect(open(m, c, "\\Driver\\here").status).toBe(STATUS_OBJECT_TYPE_MISMATCH);
    expect(r.files).toHaveLength(0);
  });
});

describe("Ob: reference counts", () => {
  it("IRP_MJ_CLEANUP comes with the last NtClose; IRP_MJ_CLOSE only after the last reference", () => {
    const m = boot();
    const r = recordingDriver("Refs", { referenceOnCreate: true });
    m.loadDriver("refs", r.drv.DriverEntry);
    const c = client(m);
    const { handle } = open(m, c, "\\??\\Refs");
    const fo = r.files[0]!;
    expect(m.runInKernel(() => ObGetObjectPointerCount(fo))).toBe(2);
    expect(m.syscall(c.thread, () => NtClose(handle))).toBe(STATUS_SUCCESS);
    expect(r.drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_CLEANUP]);
    expect(m.runInKernel(() => ObGetObjectPointerCount(fo))).toBe(1);
    m.runInKernel(() => ObDereferenceObject(fo));
    expect(r.drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]);
  });

  it("a pending IRP keeps the file object alive after NtClose", () => {
    const m = boot();
    const r = recordingDriver("Pend");
    m.loadDriver("pend", r.drv.DriverEntry);
    const c = client(m);
    const { handle } = open(m, c, "\\??\\Pend", GENERIC_READ, 0); // overlapped handle
    const buf = userAlloc(m, c);
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtReadFile(handle, 0, null, null, iosb, buf, 8, 0, 0))).toBe(STATUS_PENDING);
    const fo = r.files[0]!;
    expect(m.runInKernel(() => ObGetObjectPointerCount(fo))).toBe(2);
    m.syscall(c.thread, () => NtClose(handle));
    expect(r.drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_CLEANUP]);
    m.run();
    expect(r.drv.majors).not.toContain(IRP_MJ_CLOSE);
    // The driver completes the IRP it kept; the last reference goes with it.
    m.runInKernel(() => complete(r.pending[0]!, STATUS_SUCCESS, 8));
    m.run();
    expect(iosb.Status).toBe(STATUS_SUCCESS);
    expect(iosb.Information).toBe(8);
    expect(r.drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]);
  });

  it("dereferencing an object whose count is already zero is REFERENCE_BY_POINTER (0x18)", () => {
    const m = boot();
    const r = recordingDriver("Zero");
    m.loadDriver("zero", r.drv.DriverEntry);
    const c = client(m);
    m.syscall(c.thread, () => NtClose(open(m, c, "\\??\\Zero").handle));
    expect(r.drv.majors).toContain(IRP_MJ_CLOSE);
    const d = expectBugCheck(m, REFERENCE_BY_POINTER, () => m.runInKernel(() => ObDereferenceObject(r.files[0]!)));
    expect(d.name).toBe("REFERENCE_BY_POINTER");
  });
});

describe("Ob: handles and granted access", () => {
  it("an IOCTL that needs FILE_WRITE_ACCESS on a GENERIC_READ handle fails STATUS_ACCESS_DENIED before the driver sees it", () => {
    const m = boot();
    const r = recordingDriver("Acl");
    m.loadDriver("acl", r.drv.DriverEntry);
    const c = client(m);
    const { handle } = open(m, c, "\\??\\Acl", GENERIC_READ);
    expect(r.access[0]! & FILE_READ_DATA).toBe(FILE_READ_DATA);
    expect(r.access[0]! & FILE_WRITE_DATA).toBe(0);
    const ioctl = (code: number) => m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, new IO_STATUS_BLOCK(), code, 0, 0, 0, 0));
    expect(ioctl(IOCTL_WRITE)).toBe(STATUS_ACCESS_DENIED);
    expect(r.drv.majors).not.toContain(IRP_MJ_DEVICE_CONTROL);
    expect(ioctl(IOCTL_READ)).toBe(STATUS_SUCCESS);
    expect(ioctl(IOCTL_ANY)).toBe(STATUS_SUCCESS);
    expect(r.drv.majors.filter((x) => x === IRP_MJ_DEVICE_CONTROL)).toHaveLength(2);
  });

  it("an IOCTL that needs FILE_READ_ACCESS on a write-only handle is denied too", () => {
    const m = boot();
    const r = recordingDriver("Acl2");
    m.loadDriver("acl2", r.drv.DriverEntry);
    const c = client(m);
    const { handle } = open(m, c, "\\??\\Acl2", GENERIC_WRITE);
    const st = m.syscall(c.thread, () => NtDeviceIoControlFile(handle, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_READ, 0, 0, 0, 0));
    expect(st).toBe(STATUS_ACCESS_DENIED);
    expect(r.drv.majors).toEqual([IRP_MJ_CREATE]);
  });

  it("ReadFile on a write-only handle and WriteFile on a read-only handle are STATUS_ACCESS_DENIED", () => {
    const m = boot();
    const r = recordingDriver("Rw");
    m.loadDriver("rw", r.drv.DriverEntry);
    const c = client(m);
    const buf = userAlloc(m, c);
    const wo = open(m, c, "\\??\\Rw", GENERIC_WRITE).handle;
    const ro = open(m, c, "\\??\\Rw", GENERIC_READ).handle;
    expect(m.syscall(c.thread, () => NtReadFile(wo, 0, null, null, new IO_STATUS_BLOCK(), buf, 4, null, 0))).toBe(STATUS_ACCESS_DENIED);
    expect(m.syscall(c.thread, () => NtWriteFile(ro, 0, null, null, new IO_STATUS_BLOCK(), buf, 4, null, 0))).toBe(STATUS_ACCESS_DENIED);
    expect(r.drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_CREATE]);
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtWriteFile(wo, 0, null, null, iosb, buf, 4, null, 0))).toBe(STATUS_SUCCESS);
    expect(iosb.Information).toBe(4);
  });

  it("ObReferenceObjectByHandle from user mode checks the handle's granted access", () => {
    const m = boot();
    const r = recordingDriver("ObRef");
    m.loadDriver("obref", r.drv.DriverEntry);
    const c = client(m);
    const { handle } = open(m, c, "\\??\\ObRef", GENERIC_READ);
    const res = m.syscall(c.thread, () => {
      const o = Out<FILE_OBJECT | null>(null);
      const denied = ObReferenceObjectByHandle(handle, FILE_WRITE_DATA, null, UserMode, o, null);
      const granted = Out(0);
      const ok = ObReferenceObjectByHandle(handle, FILE_READ_DATA, null, UserMode, o, granted);
      const same = o.value === r.files[0];
      if (o.value) ObDereferenceObject(o.value);
      const kernel = ObReferenceObjectByHandle(handle, FILE_WRITE_DATA, null, KernelMode, o, null);
      if (o.value) ObDereferenceObject(o.value);
      return { denied, ok, same, granted: granted.value & FILE_READ_DATA, kernel };
    });
    expect(res).toEqual({ denied: STATUS_ACCESS_DENIED, ok: STATUS_SUCCESS, same: true, granted: FILE_READ_DATA, kernel: STATUS_SUCCESS });
  });

  it("handle values are multiples of four from 4, and a closed value is reused", () => {
    const m = boot();
    const r = recordingDriver("Hv");
    m.loadDriver("hv", r.drv.DriverEntry);
    const c = client(m);
    const h1 = open(m, c, "\\??\\Hv").handle;
    const h2 = open(m, c, "\\??\\Hv").handle;
    expect([h1, h2]).toEqual([4, 8]);
    m.syscall(c.thread, () => NtClose(h1));
    expect(open(m, c, "\\??\\Hv").handle).toBe(4);
    // Each process has its own table: another process starts at 4 as well.
    expect(open(m, client(m, "other.exe"), "\\??\\Hv").handle).toBe(4);
  });

  it("bad handles give STATUS_INVALID_HANDLE; a handle of the wrong type STATUS_OBJECT_TYPE_MISMATCH", () => {
    const { m, c, h } = bootWithDriver({ name: "Bad" });
    const other = client(m, "other.exe");
    const buf = userAlloc(m, c);
    const ev = Out(0);
    m.syscall(c.thread, () => NtCreateEvent(ev, 0, null, NotificationEvent, false));
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(other.thread, () => NtReadFile(h, 0, null, null, iosb, buf, 4, null, 0))).toBe(STATUS_INVALID_HANDLE);
    expect(m.syscall(c.thread, () => NtReadFile(0x400, 0, null, null, iosb, buf, 4, null, 0))).toBe(STATUS_INVALID_HANDLE);
    expect(m.syscall(c.thread, () => NtReadFile(ev.value, 0, null, null, iosb, buf, 4, null, 0))).toBe(STATUS_OBJECT_TYPE_MISMATCH);
    expect(m.syscall(c.thread, () => NtClose(0))).toBe(STATUS_INVALID_HANDLE);
    expect(m.syscall(c.thread, () => NtClose(h + 1))).toBe(STATUS_INVALID_HANDLE);
    expect(m.syscall(c.thread, () => NtClose(h))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => NtClose(h))).toBe(STATUS_INVALID_HANDLE);
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, iosb, IOCTL_ANY, 0, 0, 0, 0))).toBe(STATUS_INVALID_HANDLE);
  });
});
