import type { FxDevice } from "../device/fx-device.js";
import type { FxChildList } from "./fx-child-list.js";
import type { WDF_CHILD_ADDRESS_DESCRIPTION_HEADER, WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER } from "./fx-child-list-types.js";

type Id = WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER;
type Addr = WDF_CHILD_ADDRESS_DESCRIPTION_HEADER;

/**
 * One child the list knows (`FxDeviceDescriptionEntry`): the framework's copies of its
 * descriptions, its PDO once EvtChildListCreateDevice made one, and whether it is still present.
 * Entries form a doubly linked list; one that leaves keeps its `next`, so an iteration standing
 * on it goes on.
 */
export class FxChildListEntry {
  pdo: FxDevice | null = null;
  present = true;
  foundInScan = true;
  linked = true;
  cleaned = false;
  prev: FxChildListEntry | null = null;
  next: FxChildListEntry | null = null;
  constructor(readonly list: FxChildList, readonly id: Id, public address: Addr | null) {}

  /** The PDO's REMOVE deleted it: the descriptions are freed (EvtChildListIdentificationDescriptionCleanup). */
  pdoRemoved(): void {
    this.list.unlink(this);
    this.list.cleanupEntry(this);
  }

  /** Present for the iteration flags: created, or waiting for the next bus relations. */
  get pending(): boolean {
    return this.present && this.pdo === null;
  }
}
