import { describe, expect, it } from "vitest";
import {
  boot, DELETE, ExAllocatePool2, FILE_CREATE, FILE_DELETE_ON_CLOSE, FILE_OPEN, FILE_READ_DATA, FILE_SYNCHRONOUS_IO_NONALERT, FILE_WRITE_DATA,
  FileBasicInformation, FileDispositionInformation, FileEndOfFileInformation, FileNameInformation, FilePositionInformation, FileStandardInformation,
  GENERIC_READ, InitializeObjectAttributes, IO_STATUS_BLOCK, IoCompleteRequest, IoMarkIrpPending, IRP_MJ_READ, KDPC,
  KeInitializeDpc, KeInitializeTimer, KeSetTimer, KTIMER, NtClose, NtCreateFile, NtDeleteFile, NtOpenFile, NtQueryInformationFile, NtReadFile,
  NtSetInformationFile, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes, ReadUlong64,
  KERNEL_BASE, STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION, STATUS_END_OF_FILE, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_INFO_CLASS, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_DELETE_PENDING, STATUS_PENDING, STATUS_SUCCESS, SYNCHRONIZE, WriteBytes, WriteUchar, WriteUlong64, ZwClose, ZwCreateFile, ZwReadFile, ZwWriteFile, FILE_OVERWRITE_IF, FILE_ATTRIBUTE_ARCHIVE, type IRP, type KWAIT_GENERATOR, type Machine, type NTSTATUS,
} from "../src/index.js";
import { client, startThread, tinyDriver, userAlloc, type Client } from "./helpers.js";

function oa(name: string, attributes = OBJ_CASE_INSENSITIVE): OBJECT_ATTRIBUTES {
  const o = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(o, name, attributes, null, null);
  return o;
}

function create(m: Machine, c: Client, name: string, access: number, disposition: number, options = FILE_SYNCHRONOUS_IO_NONALERT, share = 7): { status: NTSTATUS; handle: number; info: number } {
  const h = Out(0);
  const iosb = new IO_STATUS_BLOCK();
  const status = m.syscall(c.thread, () => NtCreateFile(h, access | SYNCHRONIZE, oa(name), iosb, null, 0, share, disposition, options, null, 0));
  return { status, handle: h.value, info: iosb.Information };
}

describe("the file information services from a client (Nt*)", () => {
  it("NtQueryInformationFile answers FileStandardInformation, FilePositionInformation and FileBasicInformation in wdm.h's layout", () => {
    const m = boot({ seed: 1 });
    const c = client(m);
    const f = create(m, c, "\\??\\C:\\q.bin", FILE_READ_DATA | FILE_WRITE_DATA | 0x80, FILE_CREATE);
    expect(f.status).toBe(STATUS_SUCCESS);
    const buf = userAlloc(m, c);
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtReadFile(f.handle, 0, null, null, iosb, buf, 1, 0, 0))).toBe(STATUS_END_OF_FILE); // an empty file
    const info = userAlloc(m, c);
    const query = (cls: number, length: number) => m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, info, length, cls));
    // 5000 bytes: EndOfFile 5000, AllocationSize two 4 KB clusters.
    m.syscall(c.thread, () => (WriteUlong64(info, 5000), STATUS_SUCCESS));
    expect(m.syscall(c.thread, () => NtSetInformationFile(f.handle, iosb, info, 8, FileEndOfFileInformation))).toBe(STATUS_SUCCESS);
    expect(query(FileStandardInformation, 24)).toBe(STATUS_SUCCESS);
    expect(iosb.Information).toBe(24);
    const read64 = (at: number) => {
      let v = 0;
      m.syscall(c.thread, () => ((v = ReadUlong64(info + at)), STATUS_SUCCESS));
      return v;
    };
    const byte = (at: number) => {
      let v = 0;
      m.syscall(c.thread, () => ((v = ReadBytes(info + at, 1)[0]!), STATUS_SUCCESS));
      return v;
    };
    expect([read64(0), read64(8), byte(16), byte(20), byte(21)]).toEqual([8192, 5000, 1, 0, 0]);
    // The I/O manager answers a synchronous file object's position itself.
    m.syscall(c.thread, () => (WriteUlong64(info, 4998), STATUS_SUCCESS));
    expect(m.syscall(c.thread, () => NtSetInformationFile(f.handle, iosb, info, 8, FilePositionInformation))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => NtReadFile(f.handle, 0, null, null, iosb, buf, 100, null, 0))).toBe(STATUS_SUCCESS);
    expect(iosb.Information).toBe(2);
    expect(query(FilePositionInformation, 8)).toBe(STATUS_SUCCESS);
    expect(read64(0)).toBe(5000);
    expect(query(FileBasicInformation, 40)).toBe(STATUS_SUCCESS);
    expect(byte(32) & FILE_ATTRIBUTE_ARCHIVE).toBe(FILE_ATTRIBUTE_ARCHIVE);
    m.syscall(c.thread, () => NtClose(f.handle));
  });

  it("a length shorter than the class's structure, an unknown class and a handle without the access each get their status", () => {
    const m = boot({ seed: 1 });
    const c = client(m);
    const f = create(m, c, "\\??\\C:\\a.bin", FILE_READ_DATA, FILE_CREATE);
    const info = userAlloc(m, c);
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, info, 23, FileStandardInformation))).toBe(STATUS_INFO_LENGTH_MISMATCH);
    expect(m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, info, 64, 0))).toBe(STATUS_INVALID_INFO_CLASS);
    expect(m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, info, 64, 999))).toBe(STATUS_INVALID_INFO_CLASS);
    // A class the volume does not implement: the file system's answer.
    expect(m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, info, 64, FileNameInformation))).toBe(STATUS_INVALID_PARAMETER);
    // Opened for reading only: no FILE_WRITE_DATA for the end of file, no DELETE for a disposition, no FILE_READ_ATTRIBUTES for basic information.
    expect(m.syscall(c.thread, () => NtSetInformationFile(f.handle, iosb, info, 8, FileEndOfFileInformation))).toBe(STATUS_ACCESS_DENIED);
    expect(m.syscall(c.thread, () => NtSetInformationFile(f.handle, iosb, info, 1, FileDispositionInformation))).toBe(STATUS_ACCESS_DENIED);
    expect(m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, info, 40, FileBasicInformation))).toBe(STATUS_ACCESS_DENIED);
    // The caller's buffer must be its own: a kernel address is refused by the probe.
    expect(m.syscall(c.thread, () => NtQueryInformationFile(f.handle, iosb, KERNEL_BASE, 24, FileStandardInformation))).toBe(STATUS_ACCESS_VIOLATION);
    // A negative position.
    m.syscall(c.thread, () => (WriteUlong64(info, -1), STATUS_SUCCESS));
    expect(m.syscall(c.thread, () => NtSetInformationFile(f.handle, iosb, info, 8, FilePositionInformation))).toBe(STATUS_INVALID_PARAMETER);
    m.syscall(c.thread, () => NtClose(f.handle));
  });

  it("NtDeleteFile, FILE_DELETE_ON_CLOSE and FileDispositionInformation delete when the last handle closes", () => {
    const m = boot({ seed: 1 });
    const c = client(m);
    const exists = (name: string) => {
      const o = create(m, c, name, FILE_READ_DATA, FILE_OPEN);
      if (o.handle !== 0) m.syscall(c.thread, () => NtClose(o.handle));
      return o.status !== STATUS_OBJECT_NAME_NOT_FOUND;
    };
    let f = create(m, c, "\\??\\C:\\1", FILE_READ_DATA, FILE_CREATE);
    m.syscall(c.thread, () => NtClose(f.handle));
    expect(m.syscall(c.thread, () => NtDeleteFile(oa("\\??\\C:\\1")))).toBe(STATUS_SUCCESS);
    expect(exists("\\??\\C:\\1")).toBe(false);
    f = create(m, c, "\\??\\C:\\2", FILE_READ_DATA | DELETE, FILE_CREATE, FILE_SYNCHRONOUS_IO_NONALERT | FILE_DELETE_ON_CLOSE);
    expect(exists("\\??\\C:\\2")).toBe(true);
    m.syscall(c.thread, () => NtClose(f.handle));
    expect(exists("\\??\\C:\\2")).toBe(false);
    f = create(m, c, "\\??\\C:\\3", FILE_READ_DATA | DELETE, FILE_CREATE);
    const info = userAlloc(m, c);
    m.syscall(c.thread, () => (WriteUchar(info, 1), STATUS_SUCCESS));
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtSetInformationFile(f.handle, iosb, info, 1, FileDispositionInformation))).toBe(STATUS_SUCCESS);
    expect(create(m, c, "\\??\\C:\\3", FILE_READ_DATA, FILE_OPEN).status).toBe(STATUS_DELETE_PENDING);
    m.syscall(c.thread, () => NtClose(f.handle));
    expect(exists("\\??\\C:\\3")).toBe(false);
    const h = Out(0);
    expect(m.syscall(c.thread, () => NtOpenFile(h, GENERIC_READ, oa("\\??\\C:\\3"), iosb, 7, 0))).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
  });
});

describe("kernel-mode file I/O that waits", () => {
  /** A device whose reads pend until a 5 ms timer completes them with "late". */
  function slowDevice(m: Machine): void {
    const pending: IRP[] = [];
    const timer = new KTIMER();
    const dpc = new KDPC();
    const drv = tinyDriver({
      name: "Slow",
      dispatch: {
        [IRP_MJ_READ]: (_d, Irp) => {
          IoMarkIrpPending(Irp);
          pending.push(Irp);
          KeSetTimer(timer, -50_000, dpc);
          return STATUS_PENDING;
        },
      },
      init: () => {
        KeInitializeTimer(timer);
        KeInitializeDpc(dpc, () => {
          for (const irp of pending.splice(0)) {
            WriteBytes(irp.AssociatedIrp.SystemBuffer, [...Buffer.from("late")]);
            irp.IoStatus.Status = STATUS_SUCCESS;
            irp.IoStatus.Information = 4;
            IoCompleteRequest(irp, 0);
          }
        }, null);
      },
    });
    expect(m.loadDriver("slow", drv.DriverEntry)).toBe(STATUS_SUCCESS);
  }

  it("ZwReadFile on a synchronous handle waits for a read the driver pends, then returns its final status", () => {
    const m = boot({ flavor: "checked", seed: 3 });
    slowDevice(m);
    const r = m.callDriverRoutine(null, "reader", function* (): KWAIT_GENERATOR<{ st: NTSTATUS; info: number; data: string; at: number }> {
      const h = Out(0);
      const iosb = new IO_STATUS_BLOCK();
      expect(yield* ZwCreateFile(h, SYNCHRONIZE | FILE_READ_DATA, oa("\\??\\Slow", OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE), iosb, null, 0, 0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, null, 0)).toBe(STATUS_SUCCESS);
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, POOL_TAG("Slow"));
      const st = yield* ZwReadFile(h.value, null, null, null, iosb, buf, 16, null, null);
      const at = m.clock.now();
      ZwClose(h.value);
      return { st, info: iosb.Information, data: Buffer.from(ReadBytes(buf, 4)).toString(), at };
    });
    expect(r.st).toBe(STATUS_SUCCESS);
    expect(r.info).toBe(4);
    expect(r.data).toBe("late");
    expect(r.at).toBeGreaterThanOrEqual(50_000);
  });

  it("system threads writing through one synchronous handle take turns: no write lands on another's bytes (20 preemption seeds)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const m = boot({ flavor: "checked", seed, processors: 2, preemption: "random" });
      const handle = m.callDriverRoutine(null, "opener", function* (): KWAIT_GENERATOR<number> {
        const h = Out(0);
        const iosb = new IO_STATUS_BLOCK();
        yield* ZwCreateFile(h, SYNCHRONIZE | FILE_WRITE_DATA | FILE_READ_DATA, oa("\\SystemRoot\\Temp\\t.log", OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE), iosb, null, 0, 0, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT, null, 0);
        return h.value;
      });
      const statuses: NTSTATUS[] = [];
      for (const ch of ["a", "b"]) {
        startThread(m, function* () {
          const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, POOL_TAG("Wrt "));
          WriteBytes(buf, [...Buffer.from(ch.repeat(4))]);
          const iosb = new IO_STATUS_BLOCK();
          for (let i = 0; i < 3; i++) statuses.push(yield* ZwWriteFile(handle, null, null, null, iosb, buf, 4, null, null));
        });
      }
      m.run();
      const content = m.callDriverRoutine(null, "check", function* (): KWAIT_GENERATOR<string> {
        const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, POOL_TAG("Chk "));
        const iosb = new IO_STATUS_BLOCK();
        yield* ZwReadFile(handle, null, null, null, iosb, buf, 64, 0, null);
        ZwClose(handle);
        return Buffer.from(ReadBytes(buf, iosb.Information)).toString();
      });
      expect(statuses, `seed ${seed}`).toEqual(new Array(6).fill(STATUS_SUCCESS));
      // Each write goes where the last one left the file pointer.
      expect(content.length, `seed ${seed}`).toBe(24);
      expect(content.match(/aaaa|bbbb/g)?.length, `seed ${seed}`).toBe(6);
    }
  });
});
