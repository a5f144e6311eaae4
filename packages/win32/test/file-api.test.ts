import { describe, expect, it } from "vitest";
import {
  boot, ExAllocatePool2, FILE_READ_DATA, FILE_SYNCHRONOUS_IO_NONALERT, InitializeObjectAttributes, IO_STATUS_BLOCK, OBJ_CASE_INSENSITIVE,
  OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, POOL_FLAG_NON_PAGED, POOL_TAG, STATUS_SUCCESS, SYNCHRONIZE, WriteBytes, ZwClose, ZwCreateFile,
  ZwWriteFile, FILE_OVERWRITE_IF, FILE_WRITE_DATA, type Machine,
} from "@wdfjs/kernel";
import {
  CREATE_ALWAYS, CREATE_NEW, ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_DIR_NOT_EMPTY, ERROR_FILE_EXISTS, ERROR_FILE_NOT_FOUND, ERROR_HANDLE_EOF,
  ERROR_INVALID_FUNCTION, ERROR_NEGATIVE_SEEK, ERROR_PATH_NOT_FOUND, ERROR_SHARING_VIOLATION, ERROR_SUCCESS, FILE_BEGIN, FILE_CURRENT, FILE_END,
  FILE_FLAG_DELETE_ON_CLOSE, FILE_FLAG_OVERLAPPED, FILE_SHARE_READ, GENERIC_READ, GENERIC_WRITE, INVALID_FILE_SIZE, INVALID_HANDLE_VALUE, INVALID_SET_FILE_POINTER, OPEN_ALWAYS,
  OPEN_EXISTING, OVERLAPPED, TRUNCATE_EXISTING, Win32Process, type Win32ThreadContext,
} from "../src/index.js";

const RW = GENERIC_READ | GENERIC_WRITE;

function program(m: Machine = boot({ seed: 1 })): Win32Process {
  return Win32Process.create(m, "files.exe");
}

function write(app: Win32Process, h: number, text: string): number {
  const buf = app.alloc(4096, [...Buffer.from(text)]);
  const n = Out(0);
  expect(app.WriteFile(h, buf, text.length, n, null)).toBe(true);
  return n.value;
}

function read(app: Win32Process, h: number, count: number): string | false {
  const buf = app.alloc(4096);
  const n = Out(0);
  if (!app.ReadFile(h, buf, count, n, null)) return false;
  return Buffer.from(app.ReadMemory(buf, n.value)).toString();
}

describe("Win32 files on C: (the boot volume)", () => {
  it("a program writes a file, moves the pointer back and reads it; the size is what was written", () => {
    const app = program();
    const h = app.CreateFile("C:\\notes.txt", RW, 0, null, CREATE_NEW, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_SUCCESS);
    expect(write(app, h, "hello, world")).toBe(12);
    expect(app.SetFilePointer(h, 0, null, FILE_CURRENT)).toBe(12);
    expect(app.SetFilePointer(h, 7, null, FILE_BEGIN)).toBe(7);
    expect(read(app, h, 100)).toBe("world");
    const size = Out(0);
    expect(app.GetFileSizeEx(h, size)).toBe(true);
    expect(size.value).toBe(12);
    const high = Out(-1);
    expect(app.GetFileSize(h, high)).toBe(12);
    expect(high.value).toBe(0);
    const pos = Out(0);
    expect(app.SetFilePointerEx(h, -5, pos, FILE_END)).toBe(true);
    expect(pos.value).toBe(7);
    expect(app.CloseHandle(h)).toBe(true);
  });

  it("a synchronous read at the end of the file succeeds with 0 bytes; an overlapped one is ERROR_HANDLE_EOF", () => {
    const app = program();
    const h = app.CreateFile("C:\\e.bin", RW, 0, null, CREATE_ALWAYS, 0, 0);
    write(app, h, "abc");
    expect(read(app, h, 10)).toBe("");
    app.CloseHandle(h);
    const ho = app.CreateFile("C:\\e.bin", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const ov = new OVERLAPPED();
    ov.Offset = 3;
    expect(app.ReadFile(ho, app.alloc(16), 10, null, ov)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_HANDLE_EOF);
    app.CloseHandle(ho);
  });

  it("the creation dispositions set the errors kernelbase sets", () => {
    const app = program();
    expect(app.CreateFile("C:\\d.txt", RW, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(app.CreateFile("C:\\d.txt", RW, 0, null, TRUNCATE_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(app.CreateFile("C:\\missing\\d.txt", RW, 0, null, CREATE_ALWAYS, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_PATH_NOT_FOUND);
    let h = app.CreateFile("C:\\d.txt", RW, 0, null, OPEN_ALWAYS, 0, 0);
    expect(app.GetLastError()).toBe(ERROR_SUCCESS);
    write(app, h, "0123456789");
    app.CloseHandle(h);
    expect(app.CreateFile("C:\\d.txt", RW, 0, null, CREATE_NEW, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_EXISTS);
    h = app.CreateFile("C:\\d.txt", RW, 0, null, OPEN_ALWAYS, 0, 0);
    expect(app.GetLastError()).toBe(ERROR_ALREADY_EXISTS);
    expect(app.GetFileSize(h, null)).toBe(10);
    app.CloseHandle(h);
    h = app.CreateFile("C:\\d.txt", RW, 0, null, TRUNCATE_EXISTING, 0, 0);
    expect(app.GetLastError()).toBe(ERROR_SUCCESS);
    expect(app.GetFileSize(h, null)).toBe(0);
    write(app, h, "xy");
    app.CloseHandle(h);
    h = app.CreateFile("C:\\d.txt", RW, 0, null, CREATE_ALWAYS, 0, 0);
    expect(app.GetLastError()).toBe(ERROR_ALREADY_EXISTS);
    expect(app.GetFileSize(h, null)).toBe(0);
    app.CloseHandle(h);
  });

  it("paths: forward slashes, . and .., a rooted path on the current drive and a relative one in C:\\ name the same file", () => {
    const app = program();
    expect(app.CreateDirectory("C:\\data", null)).toBe(true);
    const h = app.CreateFile("C:/data/./x/../f.txt", RW, 0, null, CREATE_NEW, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    write(app, h, "same");
    app.CloseHandle(h);
    for (const name of ["\\data\\f.txt", "data\\F.TXT", "c:\\DATA\\f.txt", "\\\\?\\C:\\data\\f.txt"]) {
      const g = app.CreateFile(name, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, 0, 0);
      expect(g, name).not.toBe(INVALID_HANDLE_VALUE);
      expect(read(app, g, 10)).toBe("same");
      app.CloseHandle(g);
    }
    expect(app.CreateFile("", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_PATH_NOT_FOUND);
  });

  it("DeleteFile removes a file; a missing one is ERROR_FILE_NOT_FOUND, a directory ERROR_ACCESS_DENIED", () => {
    const app = program();
    app.CloseHandle(app.CreateFile("C:\\gone.txt", RW, 0, null, CREATE_NEW, 0, 0));
    expect(app.DeleteFile("C:\\gone.txt")).toBe(true);
    expect(app.CreateFile("C:\\gone.txt", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(app.DeleteFile("C:\\gone.txt")).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(app.DeleteFile("C:\\Windows")).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
  });

  it("CreateDirectory and RemoveDirectory: an existing name, a missing parent, a directory that is not empty", () => {
    const app = program();
    expect(app.CreateDirectory("C:\\a", null)).toBe(true);
    expect(app.CreateDirectory("C:\\a", null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_ALREADY_EXISTS);
    expect(app.CreateDirectory("C:\\b\\c", null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_PATH_NOT_FOUND);
    app.CloseHandle(app.CreateFile("C:\\a\\f", RW, 0, null, CREATE_NEW, 0, 0));
    expect(app.RemoveDirectory("C:\\a")).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_DIR_NOT_EMPTY);
    expect(app.DeleteFile("C:\\a\\f")).toBe(true);
    expect(app.RemoveDirectory("C:\\a")).toBe(true);
    expect(app.CreateDirectory("C:\\a", null)).toBe(true);
  });

  it("a second open that conflicts with the first's sharing is ERROR_SHARING_VIOLATION", () => {
    const app = program();
    const h = app.CreateFile("C:\\s.txt", RW, FILE_SHARE_READ, null, CREATE_NEW, 0, 0);
    expect(app.CreateFile("C:\\s.txt", GENERIC_WRITE, FILE_SHARE_READ | 2, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_SHARING_VIOLATION);
    const r = app.CreateFile("C:\\s.txt", GENERIC_READ, FILE_SHARE_READ | 2, null, OPEN_EXISTING, 0, 0);
    expect(r).not.toBe(INVALID_HANDLE_VALUE);
    app.CloseHandle(r);
    app.CloseHandle(h);
  });

  it("SetFilePointer before the start is ERROR_NEGATIVE_SEEK; bad handles fail GetFileSize", () => {
    const app = program();
    const h = app.CreateFile("C:\\p.txt", RW, 0, null, CREATE_NEW, 0, 0);
    expect(app.SetFilePointer(h, -1, null, FILE_BEGIN)).toBe(INVALID_SET_FILE_POINTER);
    expect(app.GetLastError()).toBe(ERROR_NEGATIVE_SEEK);
    // Past the end is allowed; a write there fills the gap with zeros.
    expect(app.SetFilePointer(h, 4, null, FILE_BEGIN)).toBe(4);
    write(app, h, "z");
    expect(app.SetFilePointer(h, 0, null, FILE_BEGIN)).toBe(0);
    const buf = app.alloc(16);
    const n = Out(0);
    app.ReadFile(h, buf, 16, n, null);
    expect([...app.ReadMemory(buf, n.value)]).toEqual([0, 0, 0, 0, 122]);
    app.CloseHandle(h);
    expect(app.GetFileSize(h, null)).toBe(INVALID_FILE_SIZE);
    const d = app.CreateFile("C:\\Windows", GENERIC_READ, 7, null, OPEN_EXISTING, 0x02000000, 0);
    expect(d).not.toBe(INVALID_HANDLE_VALUE);
    expect(read(app, d, 1)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
    app.CloseHandle(d);
  });

  it("a driver's file in \\SystemRoot\\Temp is the program's C:\\Windows\\Temp file, and each machine has its own volume", () => {
    const m = boot({ seed: 1 });
    const other = boot({ seed: 1 });
    m.callDriverRoutine(null, "writer", function* () {
      const oa = new OBJECT_ATTRIBUTES();
      InitializeObjectAttributes(oa, "\\SystemRoot\\Temp\\driver.log", OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, null);
      const fh = Out(0);
      const iosb = new IO_STATUS_BLOCK();
      expect(yield* ZwCreateFile(fh, SYNCHRONIZE | FILE_WRITE_DATA | FILE_READ_DATA, oa, iosb, null, 0, 0, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT, null, 0)).toBe(STATUS_SUCCESS);
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, POOL_TAG("Test"));
      WriteBytes(buf, [...Buffer.from("from kernel")]);
      yield* ZwWriteFile(fh.value, null, null, null, iosb, buf, 11, null, null);
      ZwClose(fh.value);
    });
    const app = program(m);
    const h = app.CreateFile("C:\\Windows\\Temp\\driver.log", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(read(app, h, 64)).toBe("from kernel");
    app.CloseHandle(h);
    const stranger = program(other);
    expect(stranger.CreateFile("C:\\Windows\\Temp\\driver.log", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(stranger.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });

  it("FILE_FLAG_DELETE_ON_CLOSE: the file goes with its last handle", () => {
    const app = program();
    const h = app.CreateFile("C:\\tmp.dat", RW, FILE_SHARE_READ, null, CREATE_NEW, FILE_FLAG_DELETE_ON_CLOSE, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    write(app, h, "scratch");
    const r = app.CreateFile("C:\\tmp.dat", GENERIC_READ, FILE_SHARE_READ | 2 | 4, null, OPEN_EXISTING, 0, 0);
    expect(r).not.toBe(INVALID_HANDLE_VALUE);
    app.CloseHandle(h);
    expect(read(app, r, 16)).toBe("scratch");
    app.CloseHandle(r);
    expect(app.CreateFile("C:\\tmp.dat", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });

  it("a CreateThread thread uses the same file functions as generators", () => {
    const app = program();
    const h = app.CreateFile("C:\\t.txt", RW, 0, null, CREATE_NEW, 0, 0);
    write(app, h, "0123456789");
    const seen: number[] = [];
    const thread = app.CreateThread(null, 0, function* (_p: unknown, t: Win32ThreadContext) {
      seen.push(yield* t.GetFileSize(h, null));
      seen.push(yield* t.SetFilePointer(h, -3, null, FILE_END));
      const size = Out(0);
      if (yield* t.GetFileSizeEx(h, size)) seen.push(size.value);
      if (yield* t.CreateDirectory("C:\\fromthread", null)) seen.push(1);
      if (yield* t.DeleteFile("C:\\nothing")) seen.push(-1);
      seen.push(t.GetLastError());
      return 0;
    }, null, 0, null);
    app.WaitForSingleObject(thread, 0xffffffff);
    expect(seen).toEqual([10, 7, 10, 1, ERROR_FILE_NOT_FOUND]);
    app.CloseHandle(h);
  });
});
