import type { MemoryManager } from "../mm/memory-manager.js";
import { Namespace } from "./namespace.js";
import { ObjectAddressTable } from "./object-address.js";

/** The object manager's per-machine state: the namespace and the objects' addresses. */
export class ObjectManager {
  readonly namespace = new Namespace();
  readonly addresses: ObjectAddressTable;
  constructor(mm: MemoryManager) {
    this.addresses = new ObjectAddressTable(mm.kernelSpace);
  }
}
