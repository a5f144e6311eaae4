/**
 * nonpnp.c of WDK general/ioctl/kmdf/sys: a legacy (non-PnP) KMDF driver. DriverEntry creates
 * the framework driver and, through NonPnpDeviceAdd, one control device `\Device\NONPNP`
 * (`\DosDevices\NONPNP`), exclusive, buffered, registered for the shutdown notification, with
 * file create and close callbacks, EvtIoInCallerContext (for METHOD_NEITHER) and a default
 * sequential queue (nonpnp-io.ts). Opening `\\.\NONPNP\<name>` makes the driver open
 * `\SystemRoot\temp\<name>` with ZwCreateFile; reads and writes go to that file.
 *
 * Where C and TypeScript differ: the UNICODE_STRINGs are strings (no pool buffer for the
 * absolute name); the driver's KdPrint/TraceEvents lines go to the `KdPrint` sink given to
 * `NonPnpDriverEntry` (none for `DriverEntry`); callbacks that call a waiting Zw* service are
 * generators (`yield*`), which the framework runs to their end at PASSIVE_LEVEL.
 */
import {
  FILE_ATTRIBUTE_NORMAL, FILE_NON_DIRECTORY_FILE, FILE_OPEN_IF, FILE_SHARE_READ, FILE_SYNCHRONOUS_IO_NONALERT, GENERIC_READ, GENERIC_WRITE,
  InitializeObjectAttributes, IO_STATUS_BLOCK, NT_SUCCESS, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, PAGED_CODE,
  STATUS_INSUFFICIENT_RESOURCES, SYNCHRONIZE, ZwClose, ZwCreateFile, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT,
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE,
  WdfControlDeviceInitAllocate, WdfControlDeviceInitSetShutdownNotification, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink,
  WdfDeviceInitAssignName, WdfDeviceInitFree, WdfDeviceInitSetExclusive, WdfDeviceInitSetFileObjectConfig, WdfDeviceInitSetIoInCallerContextCallback,
  WdfDeviceInitSetIoType, WdfDeviceIoBuffered, WdfDeviceShutdown, WdfDriverCreate, WdfDriverInitNonPnpDriver, WdfFileObjectGetDevice,
  WdfFileObjectGetFileName, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfRequestComplete, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
  type WDFFILEOBJECT, type WDFOBJECT, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import { NonPnpIoCallbacks } from "./nonpnp-io.js";
import { CONTROL_DEVICE_EXTENSION, ControlGetData, type KdPrintSink } from "./nonpnp-context.js";
import { NTDEVICE_NAME_STRING, SYMBOLIC_NAME_STRING } from "./public.js";

/** wdmsec.h's SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R. */
export const SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R = "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)";

/**
 * The nonpnp driver, its debug output going to `KdPrint`. Returns its DriverEntry (the
 * module-level `DriverEntry` is this with the output dropped).
 */
export function NonPnpDriverEntry(KdPrint: KdPrintSink = () => {}) {
  const io = NonPnpIoCallbacks(KdPrint);

  function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    KdPrint("Driver Frameworks NONPNP Legacy Driver Example");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null); // This is a non-pnp driver.
    // Tell the framework this is a non-PnP driver, so it sets no AddDevice routine.
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    // A non-PnP driver must register an unload routine to be unloadable.
    config.EvtDriverUnload = NonPnpEvtDriverUnload;
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.EvtCleanupCallback = NonPnpEvtDriverContextCleanup;
    const hDriver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, attributes, config, hDriver);
    if (!NT_SUCCESS(status)) {
      KdPrint(`NonPnp: WdfDriverCreate failed with status 0x${(status >>> 0).toString(16)}`);
      return status;
    }
    KdPrint("NonPnp: DriverEntry: tracing enabled");
    // A control device starts from a WDFDEVICE_INIT the driver allocates.
    const pInit = WdfControlDeviceInitAllocate(hDriver.value!, SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R);
    if (pInit === null) {
      status = STATUS_INSUFFICIENT_RESOURCES;
      return status;
    }
    status = NonPnpDeviceAdd(hDriver.value!, pInit);
    return status;
  }

  /** Creates the control device; frees DeviceInit unless WdfDeviceCreate consumed it. */
  function NonPnpDeviceAdd(_Driver: WDFDRIVER, pInit: PWDFDEVICE_INIT): NTSTATUS {
    PAGED_CODE();
    const DeviceInit = Out<PWDFDEVICE_INIT>(pInit);
    let status: NTSTATUS;
    End: {
      // Exclusive: no more than one application talks to the control device at a time.
      WdfDeviceInitSetExclusive(DeviceInit.value, true);
      WdfDeviceInitSetIoType(DeviceInit.value, WdfDeviceIoBuffered);
      status = WdfDeviceInitAssignName(DeviceInit.value, NTDEVICE_NAME_STRING);
      if (!NT_SUCCESS(status)) {
        KdPrint(`WdfDeviceInitAssignName failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      WdfControlDeviceInitSetShutdownNotification(DeviceInit.value, NonPnpShutdown, WdfDeviceShutdown);
      // Create and close callbacks (not cleanup): the open gets its file, the close closes it.
      const fileConfig = new WDF_FILEOBJECT_CONFIG();
      WDF_FILEOBJECT_CONFIG_INIT(fileConfig, NonPnpEvtDeviceFileCreate, NonPnpEvtFileClose, null);
      WdfDeviceInitSetFileObjectConfig(DeviceInit.value, fileConfig, null);
      // METHOD_NEITHER needs the request in the calling thread's context.
      WdfDeviceInitSetIoInCallerContextCallback(DeviceInit.value, io.NonPnpEvtDeviceIoInCallerContext);
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, CONTROL_DEVICE_EXTENSION);
      const controlDevice = Out<WDFDEVICE | null>(null);
      status = WdfDeviceCreate(DeviceInit, attributes, controlDevice);
      if (!NT_SUCCESS(status)) {
        KdPrint(`WdfDeviceCreate failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      // A symbolic link, so user mode can open the device.
      status = WdfDeviceCreateSymbolicLink(controlDevice.value!, SYMBOLIC_NAME_STRING);
      if (!NT_SUCCESS(status)) {
        // The framework deletes the control device (with the driver).
        KdPrint(`WdfDeviceCreateSymbolicLink failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      // The default queue: every request not dispatched elsewhere comes here, one at a time.
      const ioQueueConfig = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(ioQueueConfig, WdfIoQueueDispatchSequential);
      ioQueueConfig.EvtIoRead = io.FileEvtIoRead;
      ioQueueConfig.EvtIoWrite = io.FileEvtIoWrite;
      ioQueueConfig.EvtIoDeviceControl = io.FileEvtIoDeviceControl;
      const queueAttributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(queueAttributes);
      // The sample leaves ExecutionLevel passive commented out: its requests come from user mode at PASSIVE_LEVEL.
      const queue = Out<WDFQUEUE | null>(null);
      status = WdfIoQueueCreate(controlDevice.value!, ioQueueConfig, queueAttributes, queue);
      if (!NT_SUCCESS(status)) {
        KdPrint(`WdfIoQueueCreate failed 0x${(status >>> 0).toString(16)}`);
        break End;
      }
      // I/O is refused until the control device says it is initialized.
      WdfControlFinishInitializing(controlDevice.value!);
    }
    // WdfDeviceCreate cleared DeviceInit if it made the device; otherwise it is ours to free.
    if (DeviceInit.value !== null) WdfDeviceInitFree(DeviceInit.value);
    return status;
  }

  /** The driver object is deleted at unload (WPP_CLEANUP in the sample); the control device went before it. */
  function NonPnpEvtDriverContextCleanup(_Driver: WDFOBJECT): void {
    KdPrint("Entered NonPnpEvtDriverContextCleanup");
    PAGED_CODE();
  }

  /**
   * IRP_MJ_CREATE, in the opener's thread: opens (or creates) `\SystemRoot\temp` plus the name
   * after the device in the open path, and completes the create with ZwCreateFile's status.
   */
  function* NonPnpEvtDeviceFileCreate(Device: WDFDEVICE, Request: WDFREQUEST, FileObject: WDFFILEOBJECT): KWAIT_GENERATOR<void> {
    PAGED_CODE();
    const devExt = ControlGetData(Device) as CONTROL_DEVICE_EXTENSION;
    // Assume the directory is a temp directory under %windir%.
    const directory = "\\SystemRoot\\temp";
    // The name keeps one "\" at its start: the object manager strips the others after the device name.
    // (WDF's UNICODE_STRING is empty, never NULL, for an open of the device itself; ours is null.)
    const fileName = WdfFileObjectGetFileName(FileObject) ?? "";
    KdPrint(`NonPnpEvtDeviceFileCreate ${directory}${fileName}`);
    const absFileName = directory + fileName;
    KdPrint(`Absolute Filename ${absFileName}`);
    const fileAttributes = new OBJECT_ATTRIBUTES();
    InitializeObjectAttributes(fileAttributes, absFileName, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, null);
    const FileHandle = Out(0);
    const ioStatus = new IO_STATUS_BLOCK();
    const status = yield* ZwCreateFile(
      FileHandle,
      SYNCHRONIZE | GENERIC_WRITE | GENERIC_READ,
      fileAttributes,
      ioStatus,
      null, // alloc size = none
      FILE_ATTRIBUTE_NORMAL,
      FILE_SHARE_READ,
      FILE_OPEN_IF,
      FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
      null, // eabuffer
      0, // ealength
    );
    devExt.FileHandle = FileHandle.value;
    if (!NT_SUCCESS(status)) {
      KdPrint(`ZwCreateFile failed with status 0x${(status >>> 0).toString(16)}`);
      devExt.FileHandle = 0;
    }
    WdfRequestComplete(Request, status);
  }

  /** IRP_MJ_CLOSE (any thread): closes the file the create opened. */
  function NonPnpEvtFileClose(FileObject: WDFFILEOBJECT): void {
    PAGED_CODE();
    KdPrint("NonPnpEvtFileClose");
    const devExt = ControlGetData(WdfFileObjectGetDevice(FileObject)!) as CONTROL_DEVICE_EXTENSION;
    if (devExt.FileHandle !== 0) {
      KdPrint(`Closing File Handle 0x${devExt.FileHandle.toString(16)}`);
      ZwClose(devExt.FileHandle);
    }
  }

  /**
   * The machine is shutting down (IRP_MJ_SHUTDOWN, WdfDeviceShutdown: file I/O still works).
   * The sample does nothing here; a driver with files still open would close them.
   */
  function NonPnpShutdown(_Device: WDFDEVICE): void {
    KdPrint("NonPnpShutdown");
  }

  /** Called before the driver unloads: resources made in DriverEntry could be freed here. */
  function NonPnpEvtDriverUnload(_Driver: WDFDRIVER): void {
    PAGED_CODE();
    KdPrint("Entered NonPnpDriverUnload");
  }

  return DriverEntry;
}

/** nonpnp.sys's DriverEntry, its debug output dropped. */
export const DriverEntry = NonPnpDriverEntry();
