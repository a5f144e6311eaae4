import {
  ExAllocatePoolWithTag, ExFreePoolWithTag, NonPagedPool, RtlCopyMemory, STATUS_ACCESS_VIOLATION, STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_BUFFER_SIZE, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type NTSTATUS, type POOL_TYPE,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_MEMORY_PREALLOCATED, IFX_TYPE_MEMORY, type WDFTYPE } from "../object/types.js";

/** `WDFMEMORY_OFFSET` (wdfmemory.h): a window into a memory object; a zero length means "to the end". */
export class WDFMEMORY_OFFSET {
  BufferOffset = 0;
  BufferLength = 0;
}
export type PWDFMEMORY_OFFSET = WDFMEMORY_OFFSET | null;

/** `IFxMemoryFlags` (ifxmemory.hpp). */
export const IFxMemoryFlagReadOnly = 0x0001;

/**
 * `_CopyPtrToPtr` (fxmemoryobject.cpp): the bounds rules of every WDFMEMORY copy. An offset at
 * or past the end of the source, or a copy longer than what the source has from its offset, is
 * STATUS_BUFFER_TOO_SMALL; an offset or length that does not fit the destination is
 * STATUS_INVALID_BUFFER_SIZE. Without a destination length the copy fills the destination from
 * its offset.
 */
export function FxCopyPtrToPtr(
  Source: number, SourceLength: number, SourceOffsets: PWDFMEMORY_OFFSET,
  Destination: number, DestinationLength: number, DestinationOffsets: PWDFMEMORY_OFFSET,
): NTSTATUS {
  if (Source === 0) return STATUS_INVALID_PARAMETER;
  let src = Source;
  let srcSize = SourceLength;
  let dst = Destination;
  let copyLength = DestinationLength;
  if (SourceOffsets !== null && SourceOffsets.BufferOffset !== 0) {
    if (SourceOffsets.BufferOffset >= srcSize) return STATUS_BUFFER_TOO_SMALL;
    src += SourceOffsets.BufferOffset;
    srcSize -= SourceOffsets.BufferOffset;
  }
  if (DestinationOffsets !== null) {
    if (DestinationOffsets.BufferOffset !== 0) {
      if (DestinationOffsets.BufferOffset >= copyLength) return STATUS_INVALID_BUFFER_SIZE;
      dst += DestinationOffsets.BufferOffset;
      copyLength -= DestinationOffsets.BufferOffset;
    }
    if (DestinationOffsets.BufferLength !== 0) {
      if (DestinationOffsets.BufferLength > copyLength) return STATUS_INVALID_BUFFER_SIZE;
      copyLength = DestinationOffsets.BufferLength;
    }
  }
  if (copyLength > srcSize) return STATUS_BUFFER_TOO_SMALL;
  RtlCopyMemory(dst, src, copyLength);
  return STATUS_SUCCESS;
}

/**
 * `IFxMemory`: a WDFMEMORY, a buffer in machine memory with its size. Subclasses say where the
 * buffer comes from (pool, the driver, a request, a lookaside list) and whether it may be written.
 */
export abstract class FxMemoryObject extends FxObject {
  abstract get Buffer(): number;
  abstract get BufferSize(): number;

  /** `GetFlags`: IFxMemoryFlagReadOnly for memory the driver may only read (a write request's input). */
  get Flags(): number {
    return 0;
  }

  override isOfType(Type: WDFTYPE): boolean {
    return Type === IFX_TYPE_MEMORY;
  }

  /** `IFxMemory::CopyFromPtr`: into this memory; read-only memory is STATUS_ACCESS_VIOLATION (traced, as WDF breaks). */
  copyFromPtr(DestinationOffsets: PWDFMEMORY_OFFSET, SourceBuffer: number, SourceBufferLength: number, SourceOffsets: PWDFMEMORY_OFFSET): NTSTATUS {
    if ((this.Flags & IFxMemoryFlagReadOnly) !== 0) {
      this.table.machine.trace?.event("wdf.memory-read-only", null, `Target WDFMEMORY 0x${this.handle.toString(16)} is ReadOnly`);
      return STATUS_ACCESS_VIOLATION;
    }
    return FxCopyPtrToPtr(SourceBuffer, SourceBufferLength, SourceOffsets, this.Buffer, this.BufferSize, DestinationOffsets);
  }

  /** `IFxMemory::CopyToPtr`: out of this memory. */
  copyToPtr(SourceOffsets: PWDFMEMORY_OFFSET, DestinationBuffer: number, DestinationBufferLength: number, DestinationOffsets: PWDFMEMORY_OFFSET): NTSTATUS {
    return FxCopyPtrToPtr(this.Buffer, this.BufferSize, SourceOffsets, DestinationBuffer, DestinationBufferLength, DestinationOffsets);
  }
}

/** `FxMemoryBufferFromPool`: WdfMemoryCreate's buffer, allocated from pool and freed when the object is destroyed. */
export class FxMemoryBufferFromPool extends FxMemoryObject {
  private buffer = 0;

  constructor(readonly PoolType: POOL_TYPE, readonly PoolTag: number, private readonly size: number) {
    super(IFX_TYPE_MEMORY);
  }

  /** Allocates the buffer (STATUS_INSUFFICIENT_RESOURCES when the pool cannot). */
  allocate(): NTSTATUS {
    this.buffer = ExAllocatePoolWithTag(this.PoolType ?? NonPagedPool, this.size, this.PoolTag);
    return this.buffer === 0 ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
  }

  get Buffer(): number {
    return this.buffer;
  }

  get BufferSize(): number {
    return this.size;
  }

  /** The buffer stays valid while a reference keeps the object; it goes with the object's memory. */
  protected override destroyResources(): void {
    if (this.buffer !== 0) {
      ExFreePoolWithTag(this.buffer, this.PoolTag);
      this.buffer = 0;
    }
  }
}

/** `FxMemoryBufferPreallocated`: a WDFMEMORY over the driver's own buffer (WdfMemoryCreatePreallocated, WdfMemoryAssignBuffer). */
export class FxMemoryBufferPreallocated extends FxMemoryObject {
  constructor(private buffer: number, private size: number) {
    super(FX_TYPE_MEMORY_PREALLOCATED);
  }

  get Buffer(): number {
    return this.buffer;
  }

  get BufferSize(): number {
    return this.size;
  }

  /** `UpdateBuffer` (WdfMemoryAssignBuffer). */
  assign(Buffer: number, BufferSize: number): void {
    this.buffer = Buffer;
    this.size = BufferSize;
  }
}

/**
 * `FxRequestSystemBuffer` / `FxRequestOutputBuffer`: the WDFMEMORY of a request's input or output
 * buffer (WdfRequestRetrieveInputMemory / OutputMemory). A child of the request, so its handle
 * goes stale when the request is completed (the buffer is the I/O manager's then). The input of a
 * write and the buffers the I/O manager filled for the driver to read (METHOD_IN_DIRECT) are
 * read-only (fxrequestsystembuffer.cpp, fxrequestoutputbuffer.cpp `GetFlags`).
 */
export class FxRequestMemory extends FxMemoryObject {
  /**
   * References the driver holds on it (`AddRef` → `FxRequest::AddIrpReference`): the buffer is the
   * IRP's, so each one is a reference on the IRP that must be gone before the request completes.
   */
  irpReferenceCount = 0;

  constructor(private readonly buffer: number, private readonly size: number, private readonly flags: number) {
    super(IFX_TYPE_MEMORY);
  }

  override reference(Tag: unknown): void {
    this.irpReferenceCount++;
    super.reference(Tag);
  }

  override dereference(Tag: unknown): void {
    this.irpReferenceCount--;
    super.dereference(Tag);
  }

  get Buffer(): number {
    return this.buffer;
  }

  get BufferSize(): number {
    return this.size;
  }

  override get Flags(): number {
    return this.flags;
  }
}

/** `WDF_MEMORY_DESCRIPTOR_TYPE` (wdfmemory.h). */
export const WdfMemoryDescriptorTypeInvalid = 0;
export const WdfMemoryDescriptorTypeBuffer = 1;
export const WdfMemoryDescriptorTypeMdl = 2;
export const WdfMemoryDescriptorTypeHandle = 3;
export type WDF_MEMORY_DESCRIPTOR_TYPE = 0 | 1 | 2 | 3;

/**
 * `WDF_MEMORY_DESCRIPTOR` (wdfmemory.h): a buffer handed to a synchronous send, as a raw buffer,
 * an MDL or a WDFMEMORY with an optional offset window (the C union's three arms as fields).
 */
export class WDF_MEMORY_DESCRIPTOR {
  Type: WDF_MEMORY_DESCRIPTOR_TYPE = WdfMemoryDescriptorTypeInvalid;
  readonly u = {
    BufferType: { Buffer: 0, Length: 0 },
    MdlType: { Mdl: null as unknown, BufferLength: 0 },
    HandleType: { Memory: 0 as number, Offsets: null as PWDFMEMORY_OFFSET },
  };
}
export type PWDF_MEMORY_DESCRIPTOR = WDF_MEMORY_DESCRIPTOR | null;

/** `WDF_MEMORY_DESCRIPTOR_INIT_BUFFER`. */
export function WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(Descriptor: WDF_MEMORY_DESCRIPTOR, Buffer: number, BufferLength: number): void {
  Descriptor.Type = WdfMemoryDescriptorTypeBuffer;
  Descriptor.u.BufferType.Buffer = Buffer;
  Descriptor.u.BufferType.Length = BufferLength;
}

/** `WDF_MEMORY_DESCRIPTOR_INIT_MDL`. */
export function WDF_MEMORY_DESCRIPTOR_INIT_MDL(Descriptor: WDF_MEMORY_DESCRIPTOR, Mdl: unknown, BufferLength: number): void {
  Descriptor.Type = WdfMemoryDescriptorTypeMdl;
  Descriptor.u.MdlType.Mdl = Mdl;
  Descriptor.u.MdlType.BufferLength = BufferLength;
}

/** `WDF_MEMORY_DESCRIPTOR_INIT_HANDLE`. */
export function WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(Descriptor: WDF_MEMORY_DESCRIPTOR, Memory: number, Offsets: PWDFMEMORY_OFFSET): void {
  Descriptor.Type = WdfMemoryDescriptorTypeHandle;
  Descriptor.u.HandleType.Memory = Memory;
  Descriptor.u.HandleType.Offsets = Offsets;
}
