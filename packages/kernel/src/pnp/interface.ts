/** `PINTERFACE_REFERENCE` / `PINTERFACE_DEREFERENCE` (wdm.h): called with the interface's Context. */
export type PINTERFACE_REFERENCE = (Context: unknown) => void;
export type PINTERFACE_DEREFERENCE = (Context: unknown) => void;

/**
 * `INTERFACE` (wdm.h): the header of every direct-call interface a driver hands out through
 * IRP_MN_QUERY_INTERFACE (Parameters.QueryInterface.Interface). A driver's interface class
 * extends it (C's `InterfaceHeader` member comes first, so a pointer to the whole is a
 * PINTERFACE); the driver that answers copies its members into the caller's.
 */
export class INTERFACE {
  Size = 0;
  Version = 0;
  Context: unknown = null;
  InterfaceReference: PINTERFACE_REFERENCE | null = null;
  InterfaceDereference: PINTERFACE_DEREFERENCE | null = null;
}
export type PINTERFACE = INTERFACE;
