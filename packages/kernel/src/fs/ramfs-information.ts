import { cur } from "../context.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import {
  FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_VALID_FLAGS, FILE_BASIC_INFORMATION_SIZE, FILE_POSITION_INFORMATION_SIZE,
  FILE_STANDARD_INFORMATION_SIZE, FileAllocationInformation, FileBasicInformation, FileDispositionInformation, FileEndOfFileInformation,
  FilePositionInformation, FileStandardInformation,
} from "../io/file-information.js";
import { IoGetCurrentIrpStackLocation, type IRP } from "../io/irp.js";
import {
  STATUS_CANNOT_DELETE, STATUS_DIRECTORY_NOT_EMPTY, STATUS_DISK_FULL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
  type NTSTATUS,
} from "../ntstatus.js";
import { RamFsComplete } from "./ramfs-create.js";
import { RamFsNode } from "./ramfs-node.js";
import type { RamFsVolume } from "./ramfs-volume.js";

/** The volume's allocation unit: AllocationSize is EndOfFile rounded up to it. */
const CLUSTER_SIZE = 4096;

/**
 * IRP_MJ_QUERY_INFORMATION (buffered: the answer goes to the system buffer, Information is
 * its length): FileBasicInformation, FileStandardInformation and FilePositionInformation
 * with wdm.h's x64 layouts. Another class is STATUS_INVALID_PARAMETER, as NTFS answers one
 * it does not implement.
 */
export function RamFsQueryInformation(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  void DeviceObject;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const fo = sl.FileObject!;
  const node = fo.FsContext as RamFsNode;
  if (!(node instanceof RamFsNode)) return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
  const q = sl.Parameters.QueryFile;
  let out: Uint8Array;
  switch (q.FileInformationClass) {
    case FileBasicInformation: {
      out = new Uint8Array(FILE_BASIC_INFORMATION_SIZE);
      const v = new DataView(out.buffer);
      v.setBigInt64(0, BigInt(node.CreationTime), true);
      v.setBigInt64(8, BigInt(node.LastAccessTime), true);
      v.setBigInt64(16, BigInt(node.LastWriteTime), true);
      v.setBigInt64(24, BigInt(node.ChangeTime), true);
      v.setUint32(32, node.Attributes >>> 0, true);
      break;
    }
    case FileStandardInformation: {
      out = new Uint8Array(FILE_STANDARD_INFORMATION_SIZE);
      const v = new DataView(out.buffer);
      const size = node.isDirectory ? 0 : node.size;
      v.setBigInt64(0, BigInt(Math.ceil(size / CLUSTER_SIZE) * CLUSTER_SIZE), true); // AllocationSize
      v.setBigInt64(8, BigInt(size), true); // EndOfFile
      v.setUint32(16, 1, true); // NumberOfLinks
      out[20] = node.deletePending ? 1 : 0; // DeletePending
      out[21] = node.isDirectory ? 1 : 0; // Directory
      break;
    }
    case FilePositionInformation: {
      out = new Uint8Array(FILE_POSITION_INFORMATION_SIZE);
      new DataView(out.buffer).setBigInt64(0, BigInt(fo.CurrentByteOffset), true);
      break;
    }
    default:
      return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  if (q.Length < out.length) return RamFsComplete(Irp, STATUS_INFO_LENGTH_MISMATCH, 0);
  cur.mm.writeBytes(Irp.AssociatedIrp.SystemBuffer, out);
  return RamFsComplete(Irp, STATUS_SUCCESS, out.length);
}

function readLargeInteger(bytes: Uint8Array, at: number): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigInt64(at, true));
}

/**
 * IRP_MJ_SET_INFORMATION (buffered): FilePositionInformation (a negative offset is
 * STATUS_INVALID_PARAMETER), FileEndOfFileInformation and FileAllocationInformation
 * (truncate or extend with zeros), FileDispositionInformation (delete at the last cleanup;
 * a directory that is not empty is STATUS_DIRECTORY_NOT_EMPTY, the root or a read-only
 * file STATUS_CANNOT_DELETE) and FileBasicInformation (nonzero times and attributes).
 */
export function RamFsSetInformation(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const volume = DeviceObject.DeviceExtension as RamFsVolume;
  const sl = IoGetCurrentIrpStackLocation(Irp);
  const fo = sl.FileObject!;
  const node = fo.FsContext as RamFsNode;
  if (!(node instanceof RamFsNode)) return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
  const s = sl.Parameters.SetFile;
  const bytes = cur.mm.readBytes(Irp.AssociatedIrp.SystemBuffer, s.Length);
  const now = cur.clock.now();
  switch (s.FileInformationClass) {
    case FilePositionInformation: {
      const offset = readLargeInteger(bytes, 0);
      if (offset < 0) return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
      fo.CurrentByteOffset = offset;
      break;
    }
    case FileEndOfFileInformation:
    case FileAllocationInformation: {
      const size = readLargeInteger(bytes, 0);
      if (node.isDirectory || size < 0) return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
      // Allocation only ever truncates EndOfFile; it never extends the data.
      if (s.FileInformationClass === FileAllocationInformation && size >= node.size) break;
      if (size > node.size && volume.used + (size - node.size) > volume.capacity) return RamFsComplete(Irp, STATUS_DISK_FULL, 0);
      volume.used += size - node.size;
      node.setSize(size);
      node.LastWriteTime = node.ChangeTime = now;
      break;
    }
    case FileDispositionInformation: {
      const del = bytes[0] !== 0;
      if (del) {
        if (node.parent === null || (node.Attributes & FILE_ATTRIBUTE_READONLY) !== 0) return RamFsComplete(Irp, STATUS_CANNOT_DELETE, 0);
        if (node.isDirectory && node.children!.size > 0) return RamFsComplete(Irp, STATUS_DIRECTORY_NOT_EMPTY, 0);
      }
      node.deletePending = del;
      break;
    }
    case FileBasicInformation: {
      const v = new DataView(bytes.buffer, bytes.byteOffset);
      const t = [0, 8, 16, 24].map((at) => Number(v.getBigInt64(at, true)));
      // Zero leaves a time as it is (and -1 would stop its updates: not emulated).
      if (t[0]! > 0) node.CreationTime = t[0]!;
      if (t[1]! > 0) node.LastAccessTime = t[1]!;
      if (t[2]! > 0) node.LastWriteTime = t[2]!;
      if (t[3]! > 0) node.ChangeTime = t[3]!;
      const a = v.getUint32(32, true);
      if (a !== 0) node.Attributes = (a & FILE_ATTRIBUTE_VALID_FLAGS & ~FILE_ATTRIBUTE_DIRECTORY) | (node.Attributes & FILE_ATTRIBUTE_DIRECTORY);
      break;
    }
    default:
      return RamFsComplete(Irp, STATUS_INVALID_PARAMETER, 0);
  }
  return RamFsComplete(Irp, STATUS_SUCCESS, 0);
}
