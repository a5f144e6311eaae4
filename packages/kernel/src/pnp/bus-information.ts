import { ReadBytes, ReadUlong, WriteBytes, WriteUlong } from "../mm/access.js";

/*
 * PNP_BUS_INFORMATION (wdm.h), what a bus driver returns for IRP_MN_QUERY_BUS_INFORMATION:
 * paged pool holding { GUID BusTypeGuid; INTERFACE_TYPE LegacyBusType; ULONG BusNumber; },
 * its address in IoStatus.Information, freed by the PnP manager.
 */

/** sizeof(PNP_BUS_INFORMATION): a 16-byte GUID and two ULONGs. */
export const PNP_BUS_INFORMATION_SIZE = 24;

/** GUID_BUS_TYPE_INTERNAL (wdmguid.h): the bus type of root-enumerated and software buses. */
export const GUID_BUS_TYPE_INTERNAL = "{1530EA73-086B-11D1-A09F-00C04FC340B1}";

/** Writes a GUID ("{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}") in its 16-byte memory layout (Data1..Data4, little-endian). */
export function WriteGuid(Address: number, Guid: string): void {
  const h = Guid.replace(/[{}-]/g, "");
  const b = new Uint8Array(16);
  const le = (hex: string, at: number, n: number) => {
    for (let i = 0; i < n; i++) b[at + i] = parseInt(hex.slice((n - 1 - i) * 2, (n - i) * 2), 16);
  };
  le(h.slice(0, 8), 0, 4);
  le(h.slice(8, 12), 4, 2);
  le(h.slice(12, 16), 6, 2);
  for (let i = 0; i < 8; i++) b[8 + i] = parseInt(h.slice(16 + 2 * i, 18 + 2 * i), 16);
  WriteBytes(Address, b);
}

/** Reads a GUID from memory as "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}". */
export function ReadGuid(Address: number): string {
  const b = ReadBytes(Address, 16);
  const hex = (i: number) => b[i]!.toString(16).padStart(2, "0");
  const be = (at: number, n: number) => {
    let s = "";
    for (let i = n - 1; i >= 0; i--) s += hex(at + i);
    return s;
  };
  let d4 = "";
  for (let i = 8; i < 16; i++) d4 += hex(i);
  return `{${be(0, 4)}-${be(4, 2)}-${be(6, 2)}-${d4.slice(0, 4)}-${d4.slice(4)}}`.toUpperCase();
}

/** Fills a PNP_BUS_INFORMATION at `Address`. */
export function WritePnpBusInformation(Address: number, BusTypeGuid: string, LegacyBusType: number, BusNumber: number): void {
  WriteGuid(Address, BusTypeGuid);
  WriteUlong(Address + 16, LegacyBusType);
  WriteUlong(Address + 20, BusNumber);
}

/** Reads a PNP_BUS_INFORMATION at `Address`. */
export function ReadPnpBusInformation(Address: number): { BusTypeGuid: string; LegacyBusType: number; BusNumber: number } {
  return { BusTypeGuid: ReadGuid(Address), LegacyBusType: ReadUlong(Address + 16) | 0, BusNumber: ReadUlong(Address + 20) };
}
