import { cur } from "../context.js";
import { Out } from "../box.js";
import {
  DO_DEVICE_INITIALIZING, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_QUERY_INFORMATION, IRP_MJ_READ, IRP_MJ_SET_INFORMATION, IRP_MJ_WRITE,
} from "../io/constants.js";
import { DEVICE_OBJECT, IoCreateDevice, IoCreateSymbolicLink } from "../io/device.js";
import { DRIVER_OBJECT } from "../io/driver.js";
import { FILE_DEVICE_DISK_FILE_SYSTEM } from "../io/file-information.js";
import { NT_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { RamFsCleanup, RamFsClose, RamFsCreate } from "./ramfs-create.js";
import { RamFsQueryInformation, RamFsSetInformation } from "./ramfs-information.js";
import { RamFsRead, RamFsWrite } from "./ramfs-read-write.js";
import { RamFsNode } from "./ramfs-node.js";

/** The boot volume's device name, as volmgr names the first volume. */
export const RAMFS_VOLUME_NAME = "\\Device\\HarddiskVolume1";
/** The system directory on it (`\SystemRoot` points here, as on Windows). */
export const RAMFS_SYSTEM_DIRECTORY = "\\Windows";
/** The bytes the volume holds before writes fail with STATUS_DISK_FULL. */
export const RAMFS_DEFAULT_CAPACITY = 64 * 1024 * 1024;

/** The volume device's extension: the tree and what it holds (the VCB). */
export class RamFsVolume {
  readonly root: RamFsNode;
  /** Bytes of file data the volume holds. */
  used = 0;
  constructor(readonly capacity: number, now: number) {
    this.root = new RamFsNode("", null, true, now);
  }

  /** Makes a directory path under the root if it is missing (boot's `\Windows\Temp`). */
  makeDirectories(path: string, now: number): RamFsNode {
    let n = this.root;
    for (const c of path.split("\\")) {
      if (c === "") continue;
      let next = n.child(c);
      if (next === undefined) {
        next = new RamFsNode(c, n, true, now);
        n.children!.set(c.toUpperCase(), next);
      }
      n = next;
    }
    return n;
  }
}

/**
 * The in-memory file system's DriverEntry (`\FileSystem\RamFs`): one volume device,
 * `\Device\HarddiskVolume1`, holding `\Windows`, `\Windows\System32\drivers` and
 * `\Windows\Temp`; the links `\SystemRoot` (to `\Device\HarddiskVolume1\Windows`) and
 * `\??\C:` make it the boot volume. Windows mounts a file system's volume device over a
 * disk's through the VPB; here the file system's device is the named volume itself.
 */
export function RamFsDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  const now = cur.clock.now();
  const volume = new RamFsVolume(RAMFS_DEFAULT_CAPACITY, now);
  for (const d of ["\\Windows\\System32\\drivers", "\\Windows\\Temp"]) volume.makeDirectories(d, now);
  const dev = Out<DEVICE_OBJECT | null>(null);
  let st = IoCreateDevice(DriverObject, () => volume, RAMFS_VOLUME_NAME, FILE_DEVICE_DISK_FILE_SYSTEM, 0, false, dev);
  if (!NT_SUCCESS(st)) return st;
  // A file system works in its caller's context on the caller's buffers (neither I/O).
  dev.value!.Flags &= ~DO_DEVICE_INITIALIZING;
  // A link a host made first (its own C:) stays: the names are only ours if free.
  IoCreateSymbolicLink("\\SystemRoot", RAMFS_VOLUME_NAME + RAMFS_SYSTEM_DIRECTORY);
  IoCreateSymbolicLink("\\??\\C:", RAMFS_VOLUME_NAME);
  const mj = DriverObject.MajorFunction;
  mj[IRP_MJ_CREATE] = RamFsCreate;
  mj[IRP_MJ_CLEANUP] = RamFsCleanup;
  mj[IRP_MJ_CLOSE] = RamFsClose;
  mj[IRP_MJ_READ] = RamFsRead;
  mj[IRP_MJ_WRITE] = RamFsWrite;
  mj[IRP_MJ_QUERY_INFORMATION] = RamFsQueryInformation;
  mj[IRP_MJ_SET_INFORMATION] = RamFsSetInformation;
  return st;
}

/** Names that reach the boot volume: `\SystemRoot`, `C:` in the DOS device namespace, the volume itself. */
const BOOT_VOLUME_NAME = /^\\(SYSTEMROOT|(\?\?|DOSDEVICES|GLOBAL\?\?)\\C:|DEVICE\\HARDDISKVOLUME1)(\\|$)/;

export function IopNamesBootVolume(ObjectName: string): boolean {
  return BOOT_VOLUME_NAME.test(ObjectName.toUpperCase());
}

/**
 * Mounts the boot volume in the current machine: `\FileSystem\RamFs`, its device and links.
 * Done once, the first time a name on the volume is opened, so a machine that opens no
 * file pays nothing for it (its objects take no addresses).
 */
export function IopMountBootVolume(): void {
  const m = cur;
  m.io.bootVolumeMounted = true;
  const drv = new DRIVER_OBJECT("\\FileSystem\\RamFs");
  m.ob.namespace.insert(drv.DriverName, drv);
  const savedDriver = m.cpu.driver;
  m.cpu.driver = drv;
  try {
    RamFsDriverEntry(drv, "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services\\RamFs");
  } finally {
    m.cpu.driver = savedDriver;
  }
  m.trace?.event("driver-load", drv, `boot volume ${RAMFS_VOLUME_NAME} mounted`);
}
