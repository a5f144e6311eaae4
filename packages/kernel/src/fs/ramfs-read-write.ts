import { cur } from "../context.js";
import { IRP_BUFFERED_IO } from "../io/constants.js";
import { FILE_USE_FILE_POINTER_POSITION, FILE_WRITE_TO_END_OF_FILE } from "../io/file-information.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import { IoGetCurrentIrpStackLocation, type IRP } from "../io/irp.js";
import { SehException } from "../ke/exception.js";
import { MmGetSystemAddressForMdlSafe } from "../mm/mdl.js";
import {
  STATUS_DISK_FULL, STATUS_END_OF_FILE, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
  type NTSTATUS,
} from "../ntstatus.js";
import { RamFsComplete } from "./ramfs-create.js";
import { RamFsNode } from "./ramfs-node.js";
import type { RamFsVolume } from "./ramfs-volume.js";

/** Where the request's data is: the MDL's system address, the system buffer, or the caller's buffer (neither I/O). */
function RamFsBuffer(Irp: IRP): number {
  if (Irp.MdlAddress !== null) return MmGetSystemAddressForMdlSafe(Irp.MdlAddress, 0);
  if ((Irp.Flags & IRP_BUFFERED_IO) !== 0) return Irp.AssociatedIrp.SystemBuffer;
  return Irp.UserBuffer;
}

/**
 * IRP_MJ_READ: copies from ByteOffset (the file object's position for
 * FILE_USE_FILE_POINTER_POSITION) into the caller's buffer; Information is the bytes read,
 * fewer than asked near the end. A read at or past the end of the file is
 * STATUS_END_OF_FILE, one of zero bytes succeeds; a directory is not read this way
 * (STATUS_INVALID_DEVICE_REQUEST, as NTFS answers).
 */
export function RamFsRead(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const fo = sl.FileObject!;
  const node = fo.FsContext as RamFsNode;
  if (!(node instanceof RamFsNode) || node.isDirectory) return RamFsComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  const length = sl.Parameters.Read.Length;
  let offset = sl.Parameters.Read.ByteOffset;
  if (offset === FILE_USE_FILE_POINTER_POSITION) offset = fo.CurrentByteOffset;
  if (offset < 0) return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
  sl.Parameters.Read.ByteOffset = offset;
  if (length === 0) return RamFsComplete(Irp, STATUS_SUCCESS, 0);
  if (offset >= node.size) return RamFsComplete(Irp, STATUS_END_OF_FILE, 0);
  const n = Math.min(length, node.size - offset);
  const buffer = RamFsBuffer(Irp);
  if (buffer === 0) return RamFsComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  try {
    cur.mm.writeBytes(buffer, node.data.subarray(offset, offset + n));
  } catch (e) {
    // A file system touches a user buffer inside __try: a bad one fails the request.
    if (!(e instanceof SehException)) throw e;
    return RamFsComplete(Irp, e.ExceptionCode, 0);
  }
  node.LastAccessTime = cur.clock.now();
  return RamFsComplete(Irp, STATUS_SUCCESS, n);
}

/**
 * IRP_MJ_WRITE: copies the caller's bytes to ByteOffset (the end of the file for
 * FILE_WRITE_TO_END_OF_FILE), extending the file; a gap before the offset reads as zeros.
 * Information is the bytes written. A volume out of room is STATUS_DISK_FULL.
 */
export function RamFsWrite(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const volume = DeviceObject.DeviceExtension as RamFsVolume;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const fo = sl.FileObject!;
  const node = fo.FsContext as RamFsNode;
  if (!(node instanceof RamFsNode) || node.isDirectory) return RamFsComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  const length = sl.Parameters.Write.Length;
  let offset = sl.Parameters.Write.ByteOffset;
  if (offset === FILE_WRITE_TO_END_OF_FILE) offset = node.size;
  else if (offset === FILE_USE_FILE_POINTER_POSITION) offset = fo.CurrentByteOffset;
  if (offset < 0) return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
  if (length === 0) return RamFsComplete(Irp, STATUS_SUCCESS, 0);
  const end = offset + length;
  if (end > node.size && volume.used + (end - node.size) > volume.capacity) return RamFsComplete(Irp, STATUS_DISK_FULL, 0);
  const buffer = RamFsBuffer(Irp);
  if (buffer === 0) return RamFsComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  let bytes: Uint8Array;
  try {
    bytes = cur.mm.readBytes(buffer, length);
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return RamFsComplete(Irp, e.ExceptionCode, 0);
  }
  if (end > node.size) {
    volume.used += end - node.size;
    node.setSize(end);
  }
  node.data.set(bytes, offset);
  node.LastWriteTime = node.ChangeTime = cur.clock.now();
  // The I/O manager moves a synchronous file object's position past the write; the
  // position it starts from is the offset the write used (an append's is the old end).
  sl.Parameters.Write.ByteOffset = offset;
  return RamFsComplete(Irp, STATUS_SUCCESS, length);
}
