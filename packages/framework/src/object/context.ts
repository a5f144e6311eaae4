import type { WDFOBJECT } from "./types.js";

/**
 * A context type: in C a struct whose `WDF_DECLARE_CONTEXT_TYPE` emits a type-info global and an
 * accessor; here a class whose no-argument constructor makes a fresh context (its fields at their
 * zero values, as the framework zeroes a context's memory).
 */
export type WDF_CONTEXT_TYPE<T extends object> = new () => T;

/** `WDF_OBJECT_CONTEXT_TYPE_INFO`: one per context type, made once by the declaration. */
export interface WDF_OBJECT_CONTEXT_TYPE_INFO<T extends object = object> {
  readonly Size: number;
  readonly ContextName: string;
  /** A JavaScript context has no byte size; kept at 0 (ContextSizeOverride is stored, not used). */
  readonly ContextSize: number;
  /** The type info that identifies the type (this one: a declaration is unique). */
  readonly UniqueType: WDF_OBJECT_CONTEXT_TYPE_INFO<T>;
  readonly EvtDriverGetUniqueContextType: null;
  /** The context's class: the framework makes each context with `new Type()`. */
  readonly Type: WDF_CONTEXT_TYPE<T>;
}
export type PCWDF_OBJECT_CONTEXT_TYPE_INFO = WDF_OBJECT_CONTEXT_TYPE_INFO | null;

/** sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO) on x64. */
export const WDF_OBJECT_CONTEXT_TYPE_INFO_SIZE = 40;

// The type infos are the driver image's globals (C emits one per declaration), not machine
// state: a class declared once serves every machine, as one .sys file serves every boot.
const infos = new WeakMap<WDF_CONTEXT_TYPE<object>, WDF_OBJECT_CONTEXT_TYPE_INFO>();

/** `WDF_GET_CONTEXT_TYPE_INFO(T)`: the type's info (a type not yet declared is declared with its class name). */
export function WDF_GET_CONTEXT_TYPE_INFO<T extends object>(Type: WDF_CONTEXT_TYPE<T>): WDF_OBJECT_CONTEXT_TYPE_INFO<T> {
  let info = infos.get(Type) as WDF_OBJECT_CONTEXT_TYPE_INFO<T> | undefined;
  if (info === undefined) {
    const made = { Size: WDF_OBJECT_CONTEXT_TYPE_INFO_SIZE, ContextName: Type.name, ContextSize: 0, UniqueType: null, EvtDriverGetUniqueContextType: null, Type };
    (made as { UniqueType: unknown }).UniqueType = made;
    info = Object.freeze(made) as unknown as WDF_OBJECT_CONTEXT_TYPE_INFO<T>;
    infos.set(Type, info as WDF_OBJECT_CONTEXT_TYPE_INFO);
  }
  return info;
}

/** Is this a type info made by a declaration (not a look-alike object)? */
export function isContextTypeInfo(info: unknown): info is WDF_OBJECT_CONTEXT_TYPE_INFO {
  const Type = (info as { Type?: unknown } | null)?.Type;
  return typeof Type === "function" && infos.get(Type as WDF_CONTEXT_TYPE<object>) === info;
}

/** The worker the accessors call; set by the object DDIs (a module cycle otherwise). */
let getTypedContext: (Handle: WDFOBJECT, TypeInfo: WDF_OBJECT_CONTEXT_TYPE_INFO) => object | null = () => null;
export function setTypedContextWorker(worker: typeof getTypedContext): void {
  getTypedContext = worker;
}

/**
 * `WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(T, Accessor)`: declares the context type once and returns
 * its typed accessor, `const GetDeviceContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, "GetDeviceContext")`.
 * Like the C accessor (`WdfObjectGetTypedContextWorker(h, info)`), it returns null for an object
 * that has no context of the type; it is typed `T` because, as in C, a driver asks an object for
 * the context it gave it.
 */
export function WDF_DECLARE_CONTEXT_TYPE_WITH_NAME<T extends object>(Type: WDF_CONTEXT_TYPE<T>, AccessorName: string): (Handle: WDFOBJECT) => T {
  const info = WDF_GET_CONTEXT_TYPE_INFO(Type);
  // One function bound to each type's info rather than a closure per type: the engine inlines a
  // call to a bound function, not one to a closure made many times.
  const accessor = typedContextOf.bind(null, info) as (Handle: WDFOBJECT) => T;
  Object.defineProperty(accessor, "name", { value: AccessorName });
  return accessor;
}

function typedContextOf(info: WDF_OBJECT_CONTEXT_TYPE_INFO, Handle: WDFOBJECT): object | null {
  return getTypedContext(Handle, info);
}

/** `WDF_DECLARE_CONTEXT_TYPE(T)`: the accessor is `WdfObjectGet_T`. */
export function WDF_DECLARE_CONTEXT_TYPE<T extends object>(Type: WDF_CONTEXT_TYPE<T>): (Handle: WDFOBJECT) => T {
  return WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(Type, `WdfObjectGet_${Type.name}`);
}
