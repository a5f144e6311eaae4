import { describe, expect, it } from "vitest";
import {
  boot, DRIVER_VERIFIER_DETECTED_VIOLATION, ExAllocatePool2, FILE_ATTRIBUTE_NORMAL, FILE_CREATE, FILE_CREATED, FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE,
  FILE_OPEN, FILE_OPEN_IF, FILE_OPENED, FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_OVERWRITTEN, FILE_READ_DATA, FILE_SHARE_READ, FILE_SUPERSEDE,
  FILE_SUPERSEDED, FILE_SYNCHRONOUS_IO_NONALERT, FILE_WRITE_DATA, FilePositionInformation, FileStandardInformation, GENERIC_READ, GENERIC_WRITE,
  InitializeObjectAttributes, IO_STATUS_BLOCK, KeLowerIrql, KeRaiseIrql, DISPATCH_LEVEL, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out,
  POOL_FLAG_NON_PAGED, POOL_TAG, ReadBytes, ReadUlong64, STATUS_END_OF_FILE, STATUS_FILE_IS_A_DIRECTORY, STATUS_INVALID_PARAMETER, STATUS_NOT_A_DIRECTORY,
  STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND, STATUS_SHARING_VIOLATION, STATUS_SUCCESS, SYNCHRONIZE,
  VF_RULE_IRQL_ZW_PASSIVE, WriteBytes, WriteUlong64, ZwClose, ZwCreateFile, ZwDeleteFile, ZwOpenFile, ZwQueryInformationFile, ZwReadFile,
  ZwSetInformationFile, ZwWriteFile, FILE_POSITION_INFORMATION_SIZE, FILE_STANDARD_INFORMATION_SIZE, type KWAIT_GENERATOR, type Machine, type NTSTATUS,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

const TAG = POOL_TAG("FsT ");

function attributes(name: string): OBJECT_ATTRIBUTES {
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, null);
  return oa;
}

/** Runs a kernel routine that may wait in a system thread of `m`, as a driver's passive-level code. */
function kernel<T>(m: Machine, body: () => KWAIT_GENERATOR<T>): T {
  return m.callDriverRoutine(null, "fs test", body);
}

/** ZwCreateFile as the nonpnp sample calls it; returns [status, handle, Information]. */
function* create(name: string, disposition: number, options = FILE_SYNCHRONOUS_IO_NONALERT, share = 0, access = SYNCHRONIZE | FILE_READ_DATA | FILE_WRITE_DATA): KWAIT_GENERATOR<[NTSTATUS, number, number]> {
  const h = Out(0);
  const iosb = new IO_STATUS_BLOCK();
  const st = yield* ZwCreateFile(h, access, attributes(name), iosb, null, FILE_ATTRIBUTE_NORMAL, share, disposition, options, null, 0);
  return [st, h.value, iosb.Information];
}

describe("kernel-mode file I/O on the boot volume (Zw*)", () => {
  it("the nonpnp sample's sequence: create in \\SystemRoot\\temp, write, rewind with FilePositionInformation, read back, close", () => {
    const m = boot({ flavor: "checked", seed: 1 });
    const text = [...Buffer.from("Hello from the driver")];
    const result = kernel(m, function* () {
      const [st, h, info] = yield* create("\\SystemRoot\\temp\\nonpnp.log", FILE_OPEN_IF);
      expect(st).toBe(STATUS_SUCCESS);
      expect(info).toBe(FILE_CREATED);
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      WriteBytes(buf, text);
      const iosb = new IO_STATUS_BLOCK();
      expect(yield* ZwWriteFile(h, null, null, null, iosb, buf, text.length, null, null)).toBe(STATUS_SUCCESS);
      expect(iosb.Information).toBe(text.length);
      const pos = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG);
      // Where the write left the file pointer, then back to the start.
      expect(yield* ZwQueryInformationFile(h, iosb, pos, FILE_POSITION_INFORMATION_SIZE, FilePositionInformation)).toBe(STATUS_SUCCESS);
      const after = ReadUlong64(pos);
      WriteUlong64(pos, 0);
      expect(yield* ZwSetInformationFile(h, iosb, pos, FILE_POSITION_INFORMATION_SIZE, FilePositionInformation)).toBe(STATUS_SUCCESS);
      const out = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      expect(yield* ZwReadFile(h, null, null, null, iosb, out, 64, null, null)).toBe(STATUS_SUCCESS);
      const read = iosb.Information;
      // The next read is at the end of the file.
      const eof = yield* ZwReadFile(h, null, null, null, iosb, out, 64, null, null);
      expect(ZwClose(h)).toBe(STATUS_SUCCESS);
      return { after, read, data: Buffer.from(ReadBytes(out, read)).toString(), eof };
    });
    expect(result).toEqual({ after: text.length, read: text.length, data: "Hello from the driver", eof: STATUS_END_OF_FILE });
  });

  it("the same file is reached through \\SystemRoot, \\??\\C:\\Windows and \\Device\\HarddiskVolume1, without case", () => {
    const m = boot({ seed: 1 });
    const infos = kernel(m, function* () {
      const out: number[] = [];
      for (const name of ["\\SystemRoot\\Temp\\a.txt", "\\??\\C:\\WINDOWS\\TEMP\\A.TXT", "\\Device\\HarddiskVolume1\\windows\\temp\\a.txt"]) {
        const [st, h, info] = yield* create(name, FILE_OPEN_IF, FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_READ | 2);
        expect(st).toBe(STATUS_SUCCESS);
        out.push(info);
        ZwClose(h);
      }
      return out;
    });
    expect(infos).toEqual([FILE_CREATED, FILE_OPENED, FILE_OPENED]);
  });

  it("each disposition gives its documented status and Information", () => {
    const m = boot({ seed: 1 });
    const rows = kernel(m, function* () {
      const r: [string, NTSTATUS, number][] = [];
      const run = function* (label: string, name: string, disposition: number) {
        const [st, h, info] = yield* create(name, disposition);
        r.push([label, st, info]);
        if (h !== 0) ZwClose(h);
      };
      const f = "\\??\\C:\\d.bin";
      yield* run("open missing", f, FILE_OPEN);
      yield* run("overwrite missing", f, FILE_OVERWRITE);
      yield* run("create", f, FILE_CREATE);
      yield* run("create existing", f, FILE_CREATE);
      yield* run("open", f, FILE_OPEN);
      yield* run("open_if existing", f, FILE_OPEN_IF);
      yield* run("overwrite", f, FILE_OVERWRITE);
      yield* run("overwrite_if", f, FILE_OVERWRITE_IF);
      yield* run("supersede", f, FILE_SUPERSEDE);
      yield* run("supersede missing", "\\??\\C:\\e.bin", FILE_SUPERSEDE);
      yield* run("overwrite_if missing", "\\??\\C:\\g.bin", FILE_OVERWRITE_IF);
      yield* run("missing directory", "\\??\\C:\\nodir\\x.bin", FILE_OPEN_IF);
      return r;
    });
    expect(rows).toEqual([
      ["open missing", STATUS_OBJECT_NAME_NOT_FOUND, 0],
      ["overwrite missing", STATUS_OBJECT_NAME_NOT_FOUND, 0],
      ["create", STATUS_SUCCESS, FILE_CREATED],
      ["create existing", STATUS_OBJECT_NAME_COLLISION, 0],
      ["open", STATUS_SUCCESS, FILE_OPENED],
      ["open_if existing", STATUS_SUCCESS, FILE_OPENED],
      ["overwrite", STATUS_SUCCESS, FILE_OVERWRITTEN],
      ["overwrite_if", STATUS_SUCCESS, FILE_OVERWRITTEN],
      ["supersede", STATUS_SUCCESS, FILE_SUPERSEDED],
      ["supersede missing", STATUS_SUCCESS, FILE_CREATED],
      ["overwrite_if missing", STATUS_SUCCESS, FILE_CREATED],
      ["missing directory", STATUS_OBJECT_PATH_NOT_FOUND, 0],
    ]);
  });

  it("an overwrite empties the file", () => {
    const m = boot({ seed: 1 });
    const size = kernel(m, function* () {
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      const iosb = new IO_STATUS_BLOCK();
      let [, h] = yield* create("\\??\\C:\\o.bin", FILE_CREATE);
      yield* ZwWriteFile(h, null, null, null, iosb, buf, 40, null, null);
      ZwClose(h);
      [, h] = yield* create("\\??\\C:\\o.bin", FILE_OVERWRITE);
      yield* ZwQueryInformationFile(h, iosb, buf, FILE_STANDARD_INFORMATION_SIZE, FileStandardInformation);
      ZwClose(h);
      return ReadUlong64(buf + 8); // EndOfFile
    });
    expect(size).toBe(0);
  });

  it("directories: FILE_DIRECTORY_FILE creates one; a file is not a directory and a directory is not a file", () => {
    const m = boot({ seed: 1 });
    const r = kernel(m, function* () {
      const [mk, dh, info] = yield* create("\\??\\C:\\logs", FILE_CREATE, FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT);
      ZwClose(dh);
      const [inside, fh] = yield* create("\\??\\C:\\logs\\one.log", FILE_CREATE);
      ZwClose(fh);
      const [fileAsDir] = yield* create("\\??\\C:\\logs\\one.log", FILE_OPEN, FILE_DIRECTORY_FILE);
      const [dirAsFile] = yield* create("\\??\\C:\\logs", FILE_OPEN, FILE_NON_DIRECTORY_FILE);
      const [throughFile] = yield* create("\\??\\C:\\logs\\one.log\\x", FILE_OPEN_IF);
      const [both] = yield* create("\\??\\C:\\logs", FILE_OPEN, FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE);
      const [overwriteDir] = yield* create("\\??\\C:\\logs2", FILE_OVERWRITE_IF, FILE_DIRECTORY_FILE);
      const [overwriteExistingDir] = yield* create("\\??\\C:\\logs", FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT);
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      const iosb = new IO_STATUS_BLOCK();
      const [, dh2] = yield* create("\\??\\C:\\logs", FILE_OPEN, FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, 7, SYNCHRONIZE | GENERIC_READ);
      yield* ZwQueryInformationFile(dh2, iosb, buf, FILE_STANDARD_INFORMATION_SIZE, FileStandardInformation);
      ZwClose(dh2);
      return { mk, info, inside, fileAsDir, dirAsFile, throughFile, both, overwriteDir, overwriteExistingDir, directoryFlag: ReadBytes(buf + 21, 1)[0] };
    });
    expect(r).toEqual({
      mk: STATUS_SUCCESS, info: FILE_CREATED, inside: STATUS_SUCCESS, fileAsDir: STATUS_NOT_A_DIRECTORY, dirAsFile: STATUS_FILE_IS_A_DIRECTORY,
      throughFile: STATUS_OBJECT_PATH_NOT_FOUND, both: STATUS_INVALID_PARAMETER, overwriteDir: STATUS_INVALID_PARAMETER,
      overwriteExistingDir: STATUS_OBJECT_NAME_COLLISION, directoryFlag: 1,
    });
  });

  it("ZwDeleteFile removes a file; an open handle keeps it until it is closed", () => {
    const m = boot({ seed: 1 });
    const r = kernel(m, function* () {
      const [, h] = yield* create("\\??\\C:\\gone.txt", FILE_CREATE);
      ZwClose(h);
      const del = yield* ZwDeleteFile(attributes("\\??\\C:\\gone.txt"));
      const [afterDelete] = yield* create("\\??\\C:\\gone.txt", FILE_OPEN);
      const [, h2] = yield* create("\\??\\C:\\kept.txt", FILE_CREATE, FILE_SYNCHRONOUS_IO_NONALERT, 7);
      const del2 = yield* ZwDeleteFile(attributes("\\??\\C:\\kept.txt"));
      ZwClose(h2);
      const [afterClose] = yield* create("\\??\\C:\\kept.txt", FILE_OPEN);
      const missing = yield* ZwDeleteFile(attributes("\\??\\C:\\never.txt"));
      return { del, afterDelete, del2, afterClose, missing };
    });
    expect(r).toEqual({ del: STATUS_SUCCESS, afterDelete: STATUS_OBJECT_NAME_NOT_FOUND, del2: STATUS_SUCCESS, afterClose: STATUS_OBJECT_NAME_NOT_FOUND, missing: STATUS_OBJECT_NAME_NOT_FOUND });
  });

  it("a second open that does not share what the first has open is a sharing violation", () => {
    const m = boot({ seed: 1 });
    const r = kernel(m, function* () {
      const [, h] = yield* create("\\??\\C:\\s.txt", FILE_CREATE, FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_READ);
      const [writer] = yield* create("\\??\\C:\\s.txt", FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_READ | 2);
      const [reader, rh] = yield* create("\\??\\C:\\s.txt", FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, FILE_SHARE_READ | 2, SYNCHRONIZE | FILE_READ_DATA);
      ZwClose(rh);
      ZwClose(h);
      const [afterClose, h3] = yield* create("\\??\\C:\\s.txt", FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, 0);
      ZwClose(h3);
      return { writer, reader, afterClose };
    });
    expect(r).toEqual({ writer: STATUS_SHARING_VIOLATION, reader: STATUS_SUCCESS, afterClose: STATUS_SUCCESS });
  });

  it("reads at or past the end are STATUS_END_OF_FILE; a read across it returns what is there", () => {
    const m = boot({ seed: 1 });
    const r = kernel(m, function* () {
      const [, h] = yield* create("\\??\\C:\\e.txt", FILE_CREATE);
      const buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
      WriteBytes(buf, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const iosb = new IO_STATUS_BLOCK();
      yield* ZwWriteFile(h, null, null, null, iosb, buf, 10, 0, null);
      const across = yield* ZwReadFile(h, null, null, null, iosb, buf, 64, 6, null);
      const got = iosb.Information;
      const at = yield* ZwReadFile(h, null, null, null, iosb, buf, 1, 10, null);
      const past = yield* ZwReadFile(h, null, null, null, iosb, buf, 1, 1000, null);
      const zero = yield* ZwReadFile(h, null, null, null, iosb, buf, 0, 1000, null);
      ZwClose(h);
      return { across, got, bytes: [...ReadBytes(buf, 4)], at, past, zero };
    });
    expect(r).toEqual({ across: STATUS_SUCCESS, got: 4, bytes: [7, 8, 9, 10], at: STATUS_END_OF_FILE, past: STATUS_END_OF_FILE, zero: STATUS_SUCCESS });
  });

  it("ZwOpenFile opens an existing file and not a missing one", () => {
    const m = boot({ seed: 1 });
    const r = kernel(m, function* () {
      const h = Out(0);
      const iosb = new IO_STATUS_BLOCK();
      const missing = yield* ZwOpenFile(h, GENERIC_READ | SYNCHRONIZE, attributes("\\SystemRoot\\none.ini"), iosb, FILE_SHARE_READ, FILE_SYNCHRONOUS_IO_NONALERT);
      const dir = yield* ZwOpenFile(h, GENERIC_WRITE | SYNCHRONIZE, attributes("\\SystemRoot\\System32\\drivers"), iosb, 7, FILE_DIRECTORY_FILE);
      ZwClose(h.value);
      return { missing, dir, info: iosb.Information };
    });
    expect(r).toEqual({ missing: STATUS_OBJECT_NAME_NOT_FOUND, dir: STATUS_SUCCESS, info: FILE_OPENED });
  });

  it("checked flavor: ZwCreateFile above PASSIVE_LEVEL is bug check 0xC4 with rule IrqlZwPassive", () => {
    const m = boot({ flavor: "checked", seed: 1 });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      kernel(m, function* () {
        const old = Out(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        yield* create("\\??\\C:\\x", FILE_OPEN_IF);
        KeLowerIrql(old.value);
      }),
    );
    expect(d.BugCheckParameter1).toBe(VF_RULE_IRQL_ZW_PASSIVE);
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
  });
});
