/**
 * A tiny root-enumerated WDM device for the setupapi and cfgmgr32 tests: its function
 * driver registers a device interface in AddDevice, enables it when the device starts and
 * disables it on removal, as the WDK's samples do.
 */
import {
  boot, DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, FILE_DEVICE_UNKNOWN, IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest, IoCreateDevice,
  IoDeleteDevice, IoDetachDevice, IoForwardIrpSynchronously, IoGetCurrentIrpStackLocation, IoRegisterDeviceInterface, IoSetDeviceInterfaceState,
  IoSkipCurrentIrpStackLocation, IO_NO_INCREMENT, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_PNP, IRP_MN_REMOVE_DEVICE, IRP_MN_START_DEVICE,
  IRP_MN_SURPRISE_REMOVAL, Out, STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type Machine,
  type NTSTATUS,
} from "@wdfjs/kernel";

export const GUID_DEVINTERFACE_SAMPLE = "{5F6E1B2A-7C3D-4E8F-9A0B-1C2D3E4F5A6B}";
export const SAMPLE_HWID = "root\\sample";

class SampleExt {
  lower: DEVICE_OBJECT | null = null;
  link = "";
}

function done(Irp: IRP, status: NTSTATUS): NTSTATUS {
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function* SamplePnp(d: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const ext = d.DeviceExtension as SampleExt;
  switch (IoGetCurrentIrpStackLocation(Irp).MinorFunction) {
    case IRP_MN_START_DEVICE: {
      yield* IoForwardIrpSynchronously(ext.lower!, Irp);
      const st = Irp.IoStatus.Status;
      if (st >= 0) IoSetDeviceInterfaceState(ext.link, true);
      return done(Irp, st);
    }
    case IRP_MN_SURPRISE_REMOVAL:
      IoSetDeviceInterfaceState(ext.link, false);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;
    case IRP_MN_REMOVE_DEVICE: {
      IoSetDeviceInterfaceState(ext.link, false);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      IoSkipCurrentIrpStackLocation(Irp);
      const st = IoCallDriver(ext.lower!, Irp);
      IoDetachDevice(ext.lower!);
      IoDeleteDevice(d);
      return st;
    }
  }
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver(ext.lower!, Irp);
}

export function SampleDriverEntry(DriverObject: DRIVER_OBJECT): NTSTATUS {
  DriverObject.DriverExtension.AddDevice = (drv, pdo) => {
    const dev = Out<DEVICE_OBJECT | null>(null);
    const ext = new SampleExt();
    const st = IoCreateDevice(drv, () => ext, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
    if (st < 0) return st;
    ext.lower = IoAttachDeviceToDeviceStack(dev.value!, pdo);
    const link = Out("");
    const rs = IoRegisterDeviceInterface(pdo, GUID_DEVINTERFACE_SAMPLE, null, link);
    if (rs < 0) return rs;
    ext.link = link.value;
    dev.value!.Flags = (dev.value!.Flags | DO_BUFFERED_IO) & ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
  };
  DriverObject.MajorFunction[IRP_MJ_PNP] = SamplePnp;
  DriverObject.MajorFunction[IRP_MJ_CREATE] = (_d, Irp) => done(Irp, STATUS_SUCCESS);
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = (_d, Irp) => done(Irp, STATUS_SUCCESS);
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = (_d, Irp) => done(Irp, STATUS_SUCCESS);
  return STATUS_SUCCESS;
}

/** A machine with the sample's driver package installed; `add()` creates a root device (its instance path). */
export function sampleMachine(o: { seed?: number; preemption?: "off" | "random" } = {}): { m: Machine; add: () => string } {
  const m = boot({ seed: o.seed ?? 1, preemption: o.preemption ?? "off" });
  m.installDriverPackage({ service: "sample", hardwareIds: [{ id: SAMPLE_HWID }], class: "Sample", framework: "WDM", DriverEntry: SampleDriverEntry });
  return { m, add: () => m.pnp.createRootDevice({ hardwareIds: [SAMPLE_HWID], class: "Sample" }) };
}

/** The user-mode path of the sample's interface on a device: `\\?\ROOT#SAMPLE#0000#{guid}`. */
export function samplePath(instancePath: string): string {
  return `\\\\?\\${instancePath.replace(/\\/g, "#")}#${GUID_DEVINTERFACE_SAMPLE.toLowerCase()}`;
}
