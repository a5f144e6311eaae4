import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, FILE_OBJECT, IO_STATUS_BLOCK, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL, KERNEL_HANDLE_MASK, KernelMode, KEVENT, KTHREAD, METHOD_BUFFERED, NotificationEvent, NtClose, NtCreateEvent,
  NtDeviceIoControlFile, NtSetEvent, NtWaitForSingleObject, ObDereferenceObject, ObGetObjectPointerCount, ObIsKernelHandle,
  ObReferenceObjectByHandle, Out, PsCreateSystemThread, REFERENCE_BY_POINTER, STATUS_INVALID_HANDLE, STATUS_SUCCESS, UserMode, ZwClose,
  type Machine,
} from "../src/index.js";
import { HandleTable } from "../src/internal.js";
import { bootWithDriver, client, complete, expectBugCheck } from "./helpers.js";

const IOCTL_GO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** An unnamed notification event made in the System process: a kernel handle. */
function kernelEvent(m: Machine): number {
  const h = Out(0);
  expect(m.runInKernel(() => NtCreateEvent(h, 0, null, NotificationEvent, false))).toBe(STATUS_SUCCESS);
  return h.value;
}

describe("Ob: kernel handles", () => {
  it("a driver's thread handle names its thread, never the client's file with the same slot", () => {
    const seen: unknown[] = [];
    const { m, drv, c, h } = bootWithDriver({
      name: "Kh",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: (_dev, Irp) => {
          // Runs in the client's thread, whose handle 4 is the file this IRP came through.
          const th = Out(0);
          seen.push(PsCreateSystemThread(th, 0x1fffff, null, null, null, function* () {}, null));
          const obj = Out<unknown>(null);
          const st = ObReferenceObjectByHandle(th.value, 0, null, KernelMode, obj, null);
          seen.push(th.value, st, obj.value instanceof KTHREAD, obj.value instanceof FILE_OBJECT);
          if (obj.value) ObDereferenceObject(obj.value as KTHREAD | FILE_OBJECT);
          seen.push(ZwClose(th.value));
          return complete(Irp, STATUS_SUCCESS);
        },
      },
    });
    expect(h).toBe(4);
    const st = m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_GO, 0, 0, 0, 0));
    expect(st).toBe(STATUS_SUCCESS);
    expect(seen).toEqual([STATUS_SUCCESS, KERNEL_HANDLE_MASK + 4, STATUS_SUCCESS, true, false, STATUS_SUCCESS]);
    // ZwClose did not close the client's handle 4: it still works, and closing it is what sends cleanup.
    expect(drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL]);
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), IOCTL_GO, 0, 0, 0, 0))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => NtClose(h))).toBe(STATUS_SUCCESS);
    expect(drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_DEVICE_CONTROL, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]);
  });

  it("kernel handles carry KERNEL_HANDLE_MASK and are reused lowest-first; a client's handles stay small multiples of four", () => {
    const m = boot();
    const a = kernelEvent(m);
    const b = kernelEvent(m);
    expect(m.runInKernel(() => ZwClose(a))).toBe(STATUS_SUCCESS);
    const again = kernelEvent(m);
    expect([a, b, again]).toEqual([0x80000004, 0x80000008, 0x80000004]);
    expect([a, b].map(ObIsKernelHandle)).toEqual([true, true]);
    const c = client(m);
    const u = [Out(0), Out(0)];
    for (const h of u) m.syscall(c.thread, () => NtCreateEvent(h, 0, null, NotificationEvent, false));
    expect(u.map((h) => h.value)).toEqual([4, 8]);
    expect(ObIsKernelHandle(4)).toBe(false);
  });

  it("the pseudo-handles -1 and -2 are not kernel handles; a sign-extended kernel handle is the same handle", () => {
    const m = boot();
    const kh = kernelEvent(m);
    expect([ObIsKernelHandle(-1), ObIsKernelHandle(-2), ObIsKernelHandle(0), ObIsKernelHandle(kh | 0)]).toEqual([false, false, false, true]);
    const res = m.runInKernel(() => {
      const a = Out<KEVENT | null>(null);
      const b = Out<KEVENT | null>(null);
      const sa = ObReferenceObjectByHandle(kh, 0, KEVENT, KernelMode, a, null);
      const sb = ObReferenceObjectByHandle(kh | 0, 0, KEVENT, KernelMode, b, null);
      const same = a.value !== null && a.value === b.value;
      if (a.value) ObDereferenceObject(a.value);
      if (b.value) ObDereferenceObject(b.value);
      return [sa, sb, same];
    });
    expect(res).toEqual([STATUS_SUCCESS, STATUS_SUCCESS, true]);
  });

  it("a kernel handle used from user mode is STATUS_INVALID_HANDLE, and stays valid for kernel mode", () => {
    const m = boot();
    const kh = kernelEvent(m);
    const c = client(m);
    const own = Out(0);
    m.syscall(c.thread, () => NtCreateEvent(own, 0, null, NotificationEvent, false));
    const fromUser = m.syscall(c.thread, () => [
      ObReferenceObjectByHandle(kh, 0, null, UserMode, Out(null), null),
      NtSetEvent(kh, null),
      NtWaitForSingleObject(kh, false, 0),
      NtClose(kh),
    ]);
    expect(fromUser).toEqual([STATUS_INVALID_HANDLE, STATUS_INVALID_HANDLE, STATUS_INVALID_HANDLE, STATUS_INVALID_HANDLE]);
    // Even in the System process, UserMode may not use a kernel handle.
    expect(m.runInKernel(() => ObReferenceObjectByHandle(kh, 0, null, UserMode, Out(null), null))).toBe(STATUS_INVALID_HANDLE);
    const fromKernel = m.syscall(c.thread, () => {
      const o = Out<KEVENT | null>(null);
      const st = ObReferenceObjectByHandle(kh, 0, KEVENT, KernelMode, o, null);
      if (o.value) ObDereferenceObject(o.value);
      return st;
    });
    expect(fromKernel).toBe(STATUS_SUCCESS);
  });

  it("ZwClose in a client's context closes a kernel handle in the System table and any other handle in the client's", () => {
    const m = boot();
    const kh = kernelEvent(m);
    const c = client(m);
    const uh = Out(0);
    m.syscall(c.thread, () => NtCreateEvent(uh, 0, null, NotificationEvent, false));
    expect(m.syscall(c.thread, () => ZwClose(kh))).toBe(STATUS_SUCCESS);
    expect(m.runInKernel(() => ObReferenceObjectByHandle(kh, 0, null, KernelMode, Out(null), null))).toBe(STATUS_INVALID_HANDLE);
    // The client's event, in slot 1 of its own table like the closed kernel handle, is untouched.
    expect(m.syscall(c.thread, () => NtSetEvent(uh.value, null))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => ZwClose(uh.value))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => NtSetEvent(uh.value, null))).toBe(STATUS_INVALID_HANDLE);
    expect(m.syscall(c.thread, () => ZwClose(kh))).toBe(STATUS_INVALID_HANDLE);
  });

  it("ZwClose of a client's last file handle sends IRP_MJ_CLEANUP and IRP_MJ_CLOSE, as NtClose does", () => {
    const { m, drv, c, h } = bootWithDriver({ name: "Zc" });
    expect(m.syscall(c.thread, () => ZwClose(h))).toBe(STATUS_SUCCESS);
    expect(drv.majors).toEqual([IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE]);
  });

  it("a system thread's handle holds one reference: dereferencing past it is REFERENCE_BY_POINTER", () => {
    const m = boot();
    const { thread, counts } = m.runInKernel(() => {
      const th = Out(0);
      PsCreateSystemThread(th, 0x1fffff, null, null, null, function* () {}, null);
      const o = Out<KTHREAD | null>(null);
      ObReferenceObjectByHandle(th.value, 0, KTHREAD, KernelMode, o, null);
      const t = o.value!;
      const counts = [ObGetObjectPointerCount(t)];
      ObDereferenceObject(t);
      counts.push(ObGetObjectPointerCount(t));
      ZwClose(th.value);
      counts.push(ObGetObjectPointerCount(t));
      return { thread: t, counts };
    });
    expect(counts).toEqual([2, 1, 0]);
    expectBugCheck(m, REFERENCE_BY_POINTER, () => m.runInKernel(() => ObDereferenceObject(thread)));
  });
});

describe("handle table scale", () => {
  it("closing handles in any order reuses the lowest free value first, and 20,000 opens and closes stay linear", () => {
    const t = new HandleTable();
    const objs = Array.from({ length: 20_000 }, () => ({ ObHeader: null }));
    const handles = objs.map((o) => t.insert(o, 1));
    expect(handles[0]).toBe(4);
    // Close every other handle from the top down, then reopen: the lowest values come back first.
    for (let i = handles.length - 1; i >= 0; i -= 2) t.remove(handles[i]!);
    const again = [t.insert(objs[0]!, 1), t.insert(objs[0]!, 1), t.insert(objs[0]!, 1)];
    expect(again).toEqual([handles[1], handles[3], handles[5]]);
    for (const h of handles) t.remove(h);
    for (const h of again) t.remove(h);
    expect(t.count).toBe(0);
    expect(t.insert(objs[0]!, 1)).toBe(4);
  });

  it("ending a process closes every one of its 50,000 handles: each event loses its handle and its reference", () => {
    const m = boot({ flavor: "free" });
    const c = client(m);
    const handles: number[] = [];
    m.syscall(c.thread, () => {
      for (let i = 0; i < 50_000; i++) {
        const h = Out(0);
        expect(NtCreateEvent(h, 0, null, NotificationEvent, false)).toBe(STATUS_SUCCESS);
        handles.push(h.value);
      }
    });
    const events = m.syscall(c.thread, () =>
      [handles[0]!, handles[25_000]!, handles[49_999]!].map((h) => {
        const o = Out<KEVENT | null>(null);
        expect(ObReferenceObjectByHandle(h, 0, null, UserMode, o, null)).toBe(STATUS_SUCCESS);
        return o.value!;
      }),
    );
    expect(c.process.handles.count).toBe(50_000);
    m.terminateProcess(c.process, 0);
    expect(c.process.handles.count).toBe(0);
    // Only the references taken above are left.
    for (const e of events) expect(ObGetObjectPointerCount(e)).toBe(1);
    m.runInKernel(() => events.forEach((e) => ObDereferenceObject(e)));
  });
});
