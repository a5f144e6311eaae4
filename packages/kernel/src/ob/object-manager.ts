import { Namespace } from "./namespace.js";

/** The object manager's per-machine state: the namespace. */
export class ObjectManager {
  readonly namespace = new Namespace();
}
