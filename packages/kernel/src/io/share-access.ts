import { STATUS_SHARING_VIOLATION, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { DELETE, FILE_APPEND_DATA, FILE_EXECUTE, FILE_READ_DATA, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_WRITE_DATA } from "./constants.js";
import type { FILE_OBJECT } from "./file.js";

/**
 * SHARE_ACCESS: how a device (or file) is open, for drivers that enforce share modes
 * themselves in IRP_MJ_CREATE, as file systems do. The I/O manager does not check share
 * modes for device opens; a driver that wants them calls IoCheckShareAccess.
 */
export class SHARE_ACCESS {
  OpenCount = 0;
  Readers = 0;
  Writers = 0;
  Deleters = 0;
  SharedRead = 0;
  SharedWrite = 0;
  SharedDelete = 0;
}

function recordAccess(DesiredAccess: number, DesiredShareAccess: number, FileObject: FILE_OBJECT): { r: number; w: number; d: number } {
  const r = (DesiredAccess & (FILE_EXECUTE | FILE_READ_DATA)) !== 0 ? 1 : 0;
  const w = (DesiredAccess & (FILE_WRITE_DATA | FILE_APPEND_DATA)) !== 0 ? 1 : 0;
  const d = (DesiredAccess & DELETE) !== 0 ? 1 : 0;
  FileObject.ReadAccess = r === 1;
  FileObject.WriteAccess = w === 1;
  FileObject.DeleteAccess = d === 1;
  FileObject.SharedRead = (DesiredShareAccess & FILE_SHARE_READ) !== 0;
  FileObject.SharedWrite = (DesiredShareAccess & FILE_SHARE_WRITE) !== 0;
  FileObject.SharedDelete = (DesiredShareAccess & FILE_SHARE_DELETE) !== 0;
  return { r, w, d };
}

function add(ShareAccess: SHARE_ACCESS, FileObject: FILE_OBJECT, sign: 1 | -1): void {
  ShareAccess.OpenCount += sign;
  if (FileObject.ReadAccess) ShareAccess.Readers += sign;
  if (FileObject.WriteAccess) ShareAccess.Writers += sign;
  if (FileObject.DeleteAccess) ShareAccess.Deleters += sign;
  if (FileObject.SharedRead) ShareAccess.SharedRead += sign;
  if (FileObject.SharedWrite) ShareAccess.SharedWrite += sign;
  if (FileObject.SharedDelete) ShareAccess.SharedDelete += sign;
}

/**
 * `IoCheckShareAccess`: STATUS_SHARING_VIOLATION if the access asked for conflicts with
 * the opens recorded in ShareAccess (or they with the sharing asked for); with Update,
 * records this open. An open that asks for no read, write or delete access always passes.
 */
export function IoCheckShareAccess(DesiredAccess: number, DesiredShareAccess: number, FileObject: FILE_OBJECT, ShareAccess: SHARE_ACCESS, Update: boolean): NTSTATUS {
  const { r, w, d } = recordAccess(DesiredAccess, DesiredShareAccess, FileObject);
  if (r + w + d === 0) return STATUS_SUCCESS;
  const sa = ShareAccess;
  if (
    (r === 1 && sa.SharedRead < sa.OpenCount) ||
    (w === 1 && sa.SharedWrite < sa.OpenCount) ||
    (d === 1 && sa.SharedDelete < sa.OpenCount) ||
    (sa.Readers !== 0 && !FileObject.SharedRead) ||
    (sa.Writers !== 0 && !FileObject.SharedWrite) ||
    (sa.Deleters !== 0 && !FileObject.SharedDelete)
  ) {
    return STATUS_SHARING_VIOLATION;
  }
  if (Update) add(sa, FileObject, 1);
  return STATUS_SUCCESS;
}

/** `IoSetShareAccess`: the first open; ShareAccess starts from it. */
export function IoSetShareAccess(DesiredAccess: number, DesiredShareAccess: number, FileObject: FILE_OBJECT, ShareAccess: SHARE_ACCESS): void {
  const { r, w, d } = recordAccess(DesiredAccess, DesiredShareAccess, FileObject);
  Object.assign(ShareAccess, new SHARE_ACCESS());
  if (r + w + d === 0) return;
  add(ShareAccess, FileObject, 1);
}

/** `IoUpdateShareAccess`: records an open already checked with Update = FALSE. */
export function IoUpdateShareAccess(FileObject: FILE_OBJECT, ShareAccess: SHARE_ACCESS): void {
  if (FileObject.ReadAccess || FileObject.WriteAccess || FileObject.DeleteAccess) add(ShareAccess, FileObject, 1);
}

/** `IoRemoveShareAccess`: in IRP_MJ_CLEANUP, forgets this file object's open. */
export function IoRemoveShareAccess(FileObject: FILE_OBJECT, ShareAccess: SHARE_ACCESS): void {
  if (FileObject.ReadAccess || FileObject.WriteAccess || FileObject.DeleteAccess) add(ShareAccess, FileObject, -1);
}
