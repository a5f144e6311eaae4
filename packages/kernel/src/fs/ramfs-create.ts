import { cur } from "../context.js";
import { IoCompleteRequest } from "../io/complete.js";
import { FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_OPEN, FILE_OPENED, FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_SUPERSEDE } from "../io/constants.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import {
  FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_VALID_FLAGS, FILE_CREATED, FILE_DELETE_ON_CLOSE, FILE_DIRECTORY_FILE, FILE_OVERWRITTEN, FILE_SUPERSEDED,
} from "../io/file-information.js";
import { IoGetCurrentIrpStackLocation, type IRP } from "../io/irp.js";
import { IoCheckShareAccess, IoRemoveShareAccess, IoSetShareAccess } from "../io/share-access.js";
import { IO_NO_INCREMENT } from "../ke/dispatcher.js";
import {
  STATUS_CANNOT_DELETE, STATUS_DELETE_PENDING, STATUS_FILE_IS_A_DIRECTORY, STATUS_NOT_A_DIRECTORY, STATUS_OBJECT_NAME_COLLISION,
  STATUS_OBJECT_NAME_INVALID, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND, STATUS_SUCCESS, type NTSTATUS,
} from "../ntstatus.js";
import { RamFsNode } from "./ramfs-node.js";
import type { RamFsVolume } from "./ramfs-volume.js";

/** The per-open state (a CCB), in FileObject->FsContext2; the node is FsContext. */
export class RamFsCcb {
  deleteOnClose = false;
}

export function RamFsComplete(Irp: IRP, Status: NTSTATUS, Information: number): NTSTATUS {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

/** Characters NTFS refuses in a name (and the control characters). */
const INVALID_NAME = /[\x00-\x1f<>:"|?*/]/;

/**
 * IRP_MJ_CREATE: walks the name below the volume, then opens or creates by the disposition
 * in the high byte of Parameters.Create.Options, as NTFS does: a missing directory on the
 * way is STATUS_OBJECT_PATH_NOT_FOUND, a missing last name STATUS_OBJECT_NAME_NOT_FOUND
 * for FILE_OPEN/FILE_OVERWRITE, an existing one STATUS_OBJECT_NAME_COLLISION for
 * FILE_CREATE; FILE_DIRECTORY_FILE on a file is STATUS_NOT_A_DIRECTORY and
 * FILE_NON_DIRECTORY_FILE on a directory STATUS_FILE_IS_A_DIRECTORY, an overwrite of a
 * directory STATUS_OBJECT_NAME_COLLISION (the orders and statuses of the WDK's fastfat
 * sample, filesys/fastfat/create.c). Information is
 * FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN or FILE_SUPERSEDED; share modes are checked
 * with IoCheckShareAccess.
 */
export function RamFsCreate(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const volume = DeviceObject.DeviceExtension as RamFsVolume;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const fo = sl.FileObject!;
  const p = sl.Parameters.Create;
  const disposition = (p.Options >>> 24) & 0xff;
  const options = p.Options & 0xffffff;
  const access = p.SecurityContext.DesiredAccess;
  const now = cur.clock.now();
  const name = fo.FileName;
  const parts = name.split("\\");
  // The name starts with its backslash; a trailing one names a directory.
  let wantsDirectory = (options & FILE_DIRECTORY_FILE) !== 0;
  if (parts.length > 1 && parts[parts.length - 1] === "") {
    parts.pop();
    if (parts.length > 1) wantsDirectory = true;
  }
  if (parts[0] !== "") return RamFsComplete(Irp, STATUS_OBJECT_NAME_INVALID, 0);
  for (let i = 1; i < parts.length; i++) {
    const c = parts[i]!;
    if (c === "" || c === "." || c === ".." || c.length > 255 || INVALID_NAME.test(c)) return RamFsComplete(Irp, STATUS_OBJECT_NAME_INVALID, 0);
  }
  let dir = volume.root;
  for (let i = 1; i < parts.length - 1; i++) {
    const next = dir.child(parts[i]!);
    // NTFS: a component on the way that is missing, or is a file, is a bad path.
    if (next === undefined || !next.isDirectory) return RamFsComplete(Irp, STATUS_OBJECT_PATH_NOT_FOUND, 0);
    dir = next;
  }
  const last = parts.length > 1 ? parts[parts.length - 1]! : null;
  let node = last === null ? volume.root : dir.child(last);
  let information: number;
  if (node !== undefined) {
    if (node.deletePending) return RamFsComplete(Irp, STATUS_DELETE_PENDING, 0);
    if (disposition === FILE_CREATE) return RamFsComplete(Irp, STATUS_OBJECT_NAME_COLLISION, 0);
    if (wantsDirectory && !node.isDirectory) return RamFsComplete(Irp, STATUS_NOT_A_DIRECTORY, 0);
    if ((options & FILE_NON_DIRECTORY_FILE) !== 0 && node.isDirectory) return RamFsComplete(Irp, STATUS_FILE_IS_A_DIRECTORY, 0);
    const overwrite = disposition === FILE_OVERWRITE || disposition === FILE_OVERWRITE_IF || disposition === FILE_SUPERSEDE;
    // A directory is only opened: any other disposition collides with it (fastfat's FatOpenExistingDcb).
    if (overwrite && node.isDirectory) return RamFsComplete(Irp, STATUS_OBJECT_NAME_COLLISION, 0);
    // The root and a read-only file cannot be deleted, so they cannot be opened to be (fastfat).
    if ((options & FILE_DELETE_ON_CLOSE) !== 0 && (node === volume.root || (node.Attributes & FILE_ATTRIBUTE_READONLY) !== 0)) return RamFsComplete(Irp, STATUS_CANNOT_DELETE, 0);
    // The first open sets the share access; later ones are checked against it.
    if (node.openCount === 0) {
      IoSetShareAccess(access, p.ShareAccess, fo, node.ShareAccess);
    } else {
      const share = IoCheckShareAccess(access, p.ShareAccess, fo, node.ShareAccess, true);
      if (share !== STATUS_SUCCESS) return RamFsComplete(Irp, share, 0);
    }
    if (overwrite) {
      volume.used -= node.size;
      node.setSize(0);
      // FILE_SUPERSEDE replaces the attributes; an overwrite adds to them (FILE_ATTRIBUTE_ARCHIVE stays).
      const a = p.FileAttributes & FILE_ATTRIBUTE_VALID_FLAGS;
      node.Attributes = disposition === FILE_SUPERSEDE ? a | FILE_ATTRIBUTE_ARCHIVE : node.Attributes | a;
      node.LastWriteTime = node.ChangeTime = now;
      information = disposition === FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
    } else {
      information = FILE_OPENED;
    }
  } else {
    if (disposition === FILE_OPEN || disposition === FILE_OVERWRITE) return RamFsComplete(Irp, STATUS_OBJECT_NAME_NOT_FOUND, 0);
    if (dir.deletePending) return RamFsComplete(Irp, STATUS_DELETE_PENDING, 0);
    node = new RamFsNode(last!, dir, wantsDirectory, now, p.FileAttributes & FILE_ATTRIBUTE_VALID_FLAGS);
    dir.children!.set(last!.toUpperCase(), node);
    dir.LastWriteTime = dir.ChangeTime = now;
    IoSetShareAccess(access, p.ShareAccess, fo, node.ShareAccess);
    information = FILE_CREATED;
  }
  const ccb = new RamFsCcb();
  ccb.deleteOnClose = (options & FILE_DELETE_ON_CLOSE) !== 0;
  node.openCount++;
  fo.FsContext = node;
  fo.FsContext2 = ccb;
  return RamFsComplete(Irp, STATUS_SUCCESS, information);
}

/**
 * IRP_MJ_CLEANUP: the last handle of the open is closed. Its share access goes; a file
 * marked for deletion (FileDispositionInformation, FILE_DELETE_ON_CLOSE) leaves its
 * directory when its last open is cleaned up, as NTFS does.
 */
export function RamFsCleanup(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const volume = DeviceObject.DeviceExtension as RamFsVolume;
  const fo = IoGetCurrentIrpStackLocation(Irp).FileObject!;
  const node = fo.FsContext as RamFsNode | null;
  if (node instanceof RamFsNode) {
    IoRemoveShareAccess(fo, node.ShareAccess);
    if ((fo.FsContext2 as RamFsCcb).deleteOnClose && !(node.isDirectory && node.children!.size > 0)) node.deletePending = true;
    node.openCount--;
    if (node.openCount === 0 && node.deletePending && !node.deleted && node.parent !== null) {
      node.parent.children!.delete(node.name.toUpperCase());
      node.parent.LastWriteTime = node.parent.ChangeTime = cur.clock.now();
      node.deleted = true;
      volume.used -= node.size;
    }
  }
  return RamFsComplete(Irp, STATUS_SUCCESS, 0);
}

/** IRP_MJ_CLOSE: the file object's last reference is gone; nothing is left to do. */
export function RamFsClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  const fo = IoGetCurrentIrpStackLocation(Irp).FileObject!;
  fo.FsContext = null;
  fo.FsContext2 = null;
  return RamFsComplete(Irp, STATUS_SUCCESS, 0);
}
