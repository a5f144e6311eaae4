import { ContainerModule, type ServiceIdentifier } from "../inversify.js";
import { IoManager } from "./io-manager.js";

export const IoManagerToken: ServiceIdentifier<IoManager> = Symbol.for("wdfjs.IoManager");

/** Io: one I/O manager (IRP lookaside lists, cancel spin lock) per machine. */
export const ioModule = new ContainerModule(({ bind }) => {
  bind(IoManagerToken).toResolvedValue(() => new IoManager()).inSingletonScope();
});
