import { FO_SYNCHRONOUS_IO, IRP_SYNCHRONOUS_API } from "./constants.js";
import type { EPROCESS } from "../ps/process.js";
import type { IRP } from "./irp.js";

/** `IoIsOperationSynchronous`: the requester waits for this IRP (a synchronous API or file object). */
export function IoIsOperationSynchronous(Irp: IRP): boolean {
  const fo = Irp.Tail.Overlay.OriginalFileObject;
  return (Irp.Flags & IRP_SYNCHRONOUS_API) !== 0 || (fo !== null && (fo.Flags & FO_SYNCHRONOUS_IO) !== 0);
}

/** `IoGetRequestorProcess`: the process whose thread issued the IRP, or null for a kernel IRP without one. */
export function IoGetRequestorProcess(Irp: IRP): EPROCESS | null {
  const t = Irp.Tail.Overlay.Thread;
  return t !== null ? t.process : null;
}

/** `IoGetRequestorProcessId`. */
export function IoGetRequestorProcessId(Irp: IRP): number {
  const p = IoGetRequestorProcess(Irp);
  return p !== null ? p.UniqueProcessId : 0;
}
