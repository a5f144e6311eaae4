import { ExAllocatePool2, ReadUchar, ReadUlong, ReadUlong64, ReadUshort, WriteUchar, WriteUlong, WriteUlong64, WriteUshort } from "../mm/access.js";
import { POOL_FLAG_PAGED, POOL_TAG } from "../mm/pool.js";
import {
  CmResourceTypeInterrupt, type CM_PARTIAL_RESOURCE_DESCRIPTOR, type CM_RESOURCE_LIST, type IO_RESOURCE_DESCRIPTOR,
  type IO_RESOURCE_REQUIREMENTS_LIST,
} from "./resources.js";

/*
 * The resource lists in emulated memory with wdm.h's x64 layout, as the PnP manager and
 * drivers exchange them: a bus driver returns an IO_RESOURCE_REQUIREMENTS_LIST in paged
 * pool (its address in IoStatus.Information, freed by the PnP manager), and START_DEVICE's
 * Parameters.StartDevice.AllocatedResources(Translated) are the addresses of CM_RESOURCE_LISTs
 * the PnP manager owns. `Read...` decodes one into the TypeScript form (resources.ts);
 * `IoBuild...` allocates and writes one (these names are ours).
 *
 *   IO_RESOURCE_REQUIREMENTS_LIST  ListSize@0 InterfaceType@4 BusNumber@8 SlotNumber@12 Reserved[3]@16 AlternativeLists@28 List@32
 *   IO_RESOURCE_LIST               Version@0 (USHORT) Revision@2 (USHORT) Count@4 Descriptors@8
 *   IO_RESOURCE_DESCRIPTOR (32)    Option@0 Type@1 ShareDisposition@2 Spare1@3 (UCHARs) Flags@4 Spare2@6 (USHORTs) u@8:
 *                                    Port/Memory: Length@8 Alignment@12 MinimumAddress@16 MaximumAddress@24
 *                                    Interrupt:   MinimumVector@8 MaximumVector@12
 *   CM_RESOURCE_LIST               Count@0 List@4 (pshpack4)
 *   CM_FULL_RESOURCE_DESCRIPTOR    InterfaceType@0 BusNumber@4 PartialResourceList@8 { Version@8 Revision@10 Count@12 PartialDescriptors@16 }
 *   CM_PARTIAL_RESOURCE_DESCRIPTOR (20, pshpack4)  Type@0 ShareDisposition@1 (UCHARs) Flags@2 (USHORT) u@4:
 *                                    Port/Memory: Start@4 (PHYSICAL_ADDRESS) Length@12
 *                                    Interrupt:   Level@4 (USHORT) Group@6 (USHORT) Vector@8 Affinity@12 (KAFFINITY)
 */

export const IO_RESOURCE_DESCRIPTOR_SIZE = 32;
export const CM_PARTIAL_RESOURCE_DESCRIPTOR_SIZE = 20;

/** sizeof an IO_RESOURCE_REQUIREMENTS_LIST with these lists (its ListSize). */
export function IO_RESOURCE_REQUIREMENTS_LIST_SIZE(List: IO_RESOURCE_REQUIREMENTS_LIST): number {
  let size = 32;
  for (const l of List.List) size += 8 + IO_RESOURCE_DESCRIPTOR_SIZE * l.Descriptors.length;
  return size;
}

/** sizeof a CM_RESOURCE_LIST with these full descriptors. */
export function CM_RESOURCE_LIST_SIZE(List: CM_RESOURCE_LIST): number {
  let size = 4;
  for (const f of List.List) size += 16 + CM_PARTIAL_RESOURCE_DESCRIPTOR_SIZE * f.PartialResourceList.PartialDescriptors.length;
  return size;
}

/** Allocates paged pool holding `List` as an IO_RESOURCE_REQUIREMENTS_LIST (ListSize filled in); 0 if the pool is exhausted. */
export function IoBuildResourceRequirementsList(List: IO_RESOURCE_REQUIREMENTS_LIST, Tag = POOL_TAG("PnpR")): number {
  const size = IO_RESOURCE_REQUIREMENTS_LIST_SIZE(List);
  const p = ExAllocatePool2(POOL_FLAG_PAGED, size, Tag);
  if (p === 0) return 0;
  WriteUlong(p, size);
  WriteUlong(p + 4, List.InterfaceType);
  WriteUlong(p + 8, List.BusNumber);
  WriteUlong(p + 12, List.SlotNumber);
  WriteUlong(p + 28, List.List.length);
  let at = p + 32;
  for (const l of List.List) {
    WriteUshort(at, l.Version);
    WriteUshort(at + 2, l.Revision);
    WriteUlong(at + 4, l.Descriptors.length);
    at += 8;
    for (const d of l.Descriptors) {
      WriteUchar(at, d.Option);
      WriteUchar(at + 1, d.Type);
      WriteUchar(at + 2, d.ShareDisposition);
      WriteUshort(at + 4, d.Flags);
      if (d.Type === CmResourceTypeInterrupt) {
        WriteUlong(at + 8, d.MinimumVector ?? 0);
        WriteUlong(at + 12, d.MaximumVector ?? 0);
      } else {
        WriteUlong(at + 8, d.Length ?? 0);
        WriteUlong(at + 12, d.Alignment ?? 0);
        WriteUlong64(at + 16, d.MinimumAddress ?? 0);
        WriteUlong64(at + 24, d.MaximumAddress ?? 0);
      }
      at += IO_RESOURCE_DESCRIPTOR_SIZE;
    }
  }
  return p;
}

/** Decodes the IO_RESOURCE_REQUIREMENTS_LIST at `Address`. */
export function ReadResourceRequirementsList(Address: number): IO_RESOURCE_REQUIREMENTS_LIST {
  const n = ReadUlong(Address + 28);
  const r: IO_RESOURCE_REQUIREMENTS_LIST = {
    ListSize: ReadUlong(Address), InterfaceType: ReadUlong(Address + 4) | 0, BusNumber: ReadUlong(Address + 8), SlotNumber: ReadUlong(Address + 12),
    AlternativeLists: n, List: [],
  };
  let at = Address + 32;
  for (let i = 0; i < n; i++) {
    const count = ReadUlong(at + 4);
    const Descriptors: IO_RESOURCE_DESCRIPTOR[] = [];
    const list = { Version: ReadUshort(at), Revision: ReadUshort(at + 2), Count: count, Descriptors };
    at += 8;
    for (let k = 0; k < count; k++) {
      const d: IO_RESOURCE_DESCRIPTOR = { Option: ReadUchar(at), Type: ReadUchar(at + 1), ShareDisposition: ReadUchar(at + 2), Flags: ReadUshort(at + 4) };
      if (d.Type === CmResourceTypeInterrupt) {
        d.MinimumVector = ReadUlong(at + 8);
        d.MaximumVector = ReadUlong(at + 12);
      } else {
        d.Length = ReadUlong(at + 8);
        d.Alignment = ReadUlong(at + 12);
        d.MinimumAddress = ReadUlong64(at + 16);
        d.MaximumAddress = ReadUlong64(at + 24);
      }
      Descriptors.push(d);
      at += IO_RESOURCE_DESCRIPTOR_SIZE;
    }
    r.List.push(list);
  }
  return r;
}

/** Allocates paged pool holding `List` as a CM_RESOURCE_LIST; 0 if the pool is exhausted. */
export function IoBuildCmResourceList(List: CM_RESOURCE_LIST, Tag = POOL_TAG("PnpA")): number {
  const p = ExAllocatePool2(POOL_FLAG_PAGED, CM_RESOURCE_LIST_SIZE(List), Tag);
  if (p === 0) return 0;
  WriteUlong(p, List.List.length);
  let at = p + 4;
  for (const f of List.List) {
    const ds = f.PartialResourceList.PartialDescriptors;
    WriteUlong(at, f.InterfaceType);
    WriteUlong(at + 4, f.BusNumber);
    WriteUshort(at + 8, f.PartialResourceList.Version);
    WriteUshort(at + 10, f.PartialResourceList.Revision);
    WriteUlong(at + 12, ds.length);
    at += 16;
    for (const d of ds) {
      WriteUchar(at, d.Type);
      WriteUchar(at + 1, d.ShareDisposition);
      WriteUshort(at + 2, d.Flags);
      if (d.Type === CmResourceTypeInterrupt) {
        WriteUshort(at + 4, d.u.Level ?? 0);
        WriteUshort(at + 6, 0);
        WriteUlong(at + 8, d.u.Vector ?? 0);
        WriteUlong64(at + 12, d.u.Affinity ?? 0);
      } else {
        WriteUlong64(at + 4, d.u.Start ?? 0);
        WriteUlong(at + 12, d.u.Length ?? 0);
      }
      at += CM_PARTIAL_RESOURCE_DESCRIPTOR_SIZE;
    }
  }
  return p;
}

/** Decodes the CM_RESOURCE_LIST at `Address` (what a driver reads from StartDevice.AllocatedResources). */
export function ReadCmResourceList(Address: number): CM_RESOURCE_LIST {
  const count = ReadUlong(Address);
  const r: CM_RESOURCE_LIST = { Count: count, List: [] };
  let at = Address + 4;
  for (let i = 0; i < count; i++) {
    const n = ReadUlong(at + 12);
    const PartialDescriptors: CM_PARTIAL_RESOURCE_DESCRIPTOR[] = [];
    r.List.push({
      InterfaceType: ReadUlong(at) | 0, BusNumber: ReadUlong(at + 4),
      PartialResourceList: { Version: ReadUshort(at + 8), Revision: ReadUshort(at + 10), Count: n, PartialDescriptors },
    });
    at += 16;
    for (let k = 0; k < n; k++) {
      const Type = ReadUchar(at);
      const d: CM_PARTIAL_RESOURCE_DESCRIPTOR = { Type, ShareDisposition: ReadUchar(at + 1), Flags: ReadUshort(at + 2), u: {} };
      if (Type === CmResourceTypeInterrupt) d.u = { Level: ReadUshort(at + 4), Vector: ReadUlong(at + 8), Affinity: ReadUlong64(at + 12) };
      else d.u = { Start: ReadUlong64(at + 4), Length: ReadUlong(at + 12) };
      PartialDescriptors.push(d);
      at += CM_PARTIAL_RESOURCE_DESCRIPTOR_SIZE;
    }
  }
  return r;
}
