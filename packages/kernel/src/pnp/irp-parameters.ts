import type { IoParameters } from "../io/irp.js";
import type { DEVICE_CAPABILITIES } from "./device-capabilities.js";

/*
 * The IRP_MJ_PNP views of a stack location's Parameters union (wdm.h). Like the I/O
 * views they share the four slots, so a filter's IoCopyCurrentIrpStackLocationToNext
 * carries them down.
 */

/** The addresses of the raw and translated CM_RESOURCE_LISTs (0: none); ReadCmResourceList decodes them. */
export class StartDeviceParameters {
  constructor(private readonly p: IoParameters) {}
  get AllocatedResources(): number { return this.p.a1; }
  set AllocatedResources(v: number) { this.p.a1 = v; }
  get AllocatedResourcesTranslated(): number { return this.p.a2; }
  set AllocatedResourcesTranslated(v: number) { this.p.a2 = v; }
}

export class QueryDeviceRelationsParameters {
  constructor(private readonly p: IoParameters) {}
  get Type(): number { return this.p.a1; }
  set Type(v: number) { this.p.a1 = v; }
}

export class QueryIdParameters {
  constructor(private readonly p: IoParameters) {}
  get IdType(): number { return this.p.a1; }
  set IdType(v: number) { this.p.a1 = v; }
}

export class DeviceCapabilitiesParameters {
  constructor(private readonly p: IoParameters) {}
  get Capabilities(): DEVICE_CAPABILITIES { return this.p.a1; }
  set Capabilities(v: DEVICE_CAPABILITIES) { this.p.a1 = v; }
}

/** Parameters.QueryInterface: Size and Version are two USHORTs sharing one slot, as in the x64 layout. */
export class QueryInterfaceParameters {
  constructor(private readonly p: IoParameters) {}
  get InterfaceType(): string { return this.p.a1; }
  set InterfaceType(v: string) { this.p.a1 = v; }
  get Size(): number { return (this.p.a2 as number) & 0xffff; }
  set Size(v: number) { this.p.a2 = ((this.p.a2 as number) & ~0xffff) | (v & 0xffff); }
  get Version(): number { return ((this.p.a2 as number) >>> 16) & 0xffff; }
  set Version(v: number) { this.p.a2 = ((this.p.a2 as number) & 0xffff) | ((v & 0xffff) << 16); }
  /** The INTERFACE structure (an object the bus driver fills in). */
  get Interface(): any { return this.p.a3; }
  set Interface(v: any) { this.p.a3 = v; }
  get InterfaceSpecificData(): any { return this.p.a4; }
  set InterfaceSpecificData(v: any) { this.p.a4 = v; }
}

export class UsageNotificationParameters {
  constructor(private readonly p: IoParameters) {}
  get InPath(): boolean { return !!this.p.a1; }
  set InPath(v: boolean) { this.p.a1 = v; }
  get Type(): number { return this.p.a2; }
  set Type(v: number) { this.p.a2 = v; }
}

export class QueryDeviceTextParameters {
  constructor(private readonly p: IoParameters) {}
  get DeviceTextType(): number { return this.p.a1; }
  set DeviceTextType(v: number) { this.p.a1 = v; }
  get LocaleId(): number { return this.p.a2; }
  set LocaleId(v: number) { this.p.a2 = v; }
}

/** Parameters.SetLock (IRP_MN_SET_LOCK): TRUE to lock the device's ejection mechanism. */
export class SetLockParameters {
  constructor(private readonly p: IoParameters) {}
  get Lock(): boolean { return this.p.a1 === true; }
  set Lock(v: boolean) { this.p.a1 = v; }
}

/** The PnP views of one Parameters, made the first time a PnP view is asked for. */
export class PnpParameterViews {
  readonly StartDevice: StartDeviceParameters;
  readonly QueryDeviceRelations: QueryDeviceRelationsParameters;
  readonly QueryId: QueryIdParameters;
  readonly DeviceCapabilities: DeviceCapabilitiesParameters;
  readonly QueryInterface: QueryInterfaceParameters;
  readonly UsageNotification: UsageNotificationParameters;
  readonly QueryDeviceText: QueryDeviceTextParameters;
  readonly SetLock: SetLockParameters;
  constructor(p: IoParameters) {
    this.StartDevice = new StartDeviceParameters(p);
    this.QueryDeviceRelations = new QueryDeviceRelationsParameters(p);
    this.QueryId = new QueryIdParameters(p);
    this.DeviceCapabilities = new DeviceCapabilitiesParameters(p);
    this.QueryInterface = new QueryInterfaceParameters(p);
    this.UsageNotification = new UsageNotificationParameters(p);
    this.QueryDeviceText = new QueryDeviceTextParameters(p);
    this.SetLock = new SetLockParameters(p);
  }
}
