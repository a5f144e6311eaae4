import { describe, expect, it } from "vitest";
import { Out } from "@wdfjs/kernel";
import {
  CM_GET_DEVICE_INTERFACE_LIST_PRESENT, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, CM_NOTIFY_FILTER,
  CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES, CM_NOTIFY_FILTER_SIZE, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE,
  CR_BUFFER_SMALL, CR_CALL_NOT_IMPLEMENTED, CR_INVALID_DATA, CR_INVALID_FLAG, CR_INVALID_POINTER, CR_INVALID_STRUCTURE_SIZE, CR_NO_SUCH_DEVNODE,
  CR_SUCCESS, GENERIC_READ, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process, type CM_NOTIFY_EVENT_DATA, type HCMNOTIFICATION,
  type Win32ThreadContext,
} from "../src/index.js";
import { GUID_DEVINTERFACE_SAMPLE, sampleMachine, samplePath } from "./interface-sample.js";

function interfaceFilter(guid = GUID_DEVINTERFACE_SAMPLE): CM_NOTIFY_FILTER {
  const f = new CM_NOTIFY_FILTER();
  f.cbSize = CM_NOTIFY_FILTER_SIZE;
  f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
  f.u.DeviceInterface.ClassGuid = guid;
  return f;
}

describe("cfgmgr32: CM_Get_Device_Interface_List", () => {
  it("the size in WCHARs, then the MULTI_SZ of \\\\?\\ paths in the program's memory; the first opens with CreateFile (enum.exe's way)", () => {
    const { m, add } = sampleMachine();
    const app = Win32Process.create(m, "enum.exe");
    const len = Out(0);
    expect(app.CM_Get_Device_Interface_List_Size(len, GUID_DEVINTERFACE_SAMPLE, null, CM_GET_DEVICE_INTERFACE_LIST_PRESENT)).toBe(CR_SUCCESS);
    expect(len.value).toBe(1); // an empty list: its final NUL
    const a = add();
    const b = add();
    expect(app.CM_Get_Device_Interface_List_Size(len, GUID_DEVINTERFACE_SAMPLE, null, CM_GET_DEVICE_INTERFACE_LIST_PRESENT)).toBe(CR_SUCCESS);
    expect(len.value).toBe(samplePath(a).length + 1 + samplePath(b).length + 1 + 1);
    const buffer = app.alloc(2 * len.value);
    expect(app.CM_Get_Device_Interface_List(GUID_DEVINTERFACE_SAMPLE, null, buffer, len.value - 1, CM_GET_DEVICE_INTERFACE_LIST_PRESENT)).toBe(CR_BUFFER_SMALL);
    expect(app.CM_Get_Device_Interface_List(GUID_DEVINTERFACE_SAMPLE, null, buffer, len.value, CM_GET_DEVICE_INTERFACE_LIST_PRESENT)).toBe(CR_SUCCESS);
    expect(app.ReadMultiSz(buffer).sort()).toEqual([samplePath(a), samplePath(b)].sort());
    // One device's interfaces.
    expect(app.CM_Get_Device_Interface_List(GUID_DEVINTERFACE_SAMPLE, b, buffer, len.value, CM_GET_DEVICE_INTERFACE_LIST_PRESENT)).toBe(CR_SUCCESS);
    expect(app.ReadMultiSz(buffer)).toEqual([samplePath(b)]);
    // enum.c opens the first name of the list.
    const h = app.CreateFile(app.ReadWideString(buffer), GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    app.CloseHandle(h);
  });

  it("bad arguments give their CR_ codes", () => {
    const { m, add } = sampleMachine();
    add();
    const app = Win32Process.create(m, "enum.exe");
    const len = Out(0);
    const buffer = app.alloc(4096);
    expect(app.CM_Get_Device_Interface_List_Size(null, GUID_DEVINTERFACE_SAMPLE, null, 0)).toBe(CR_INVALID_POINTER);
    expect(app.CM_Get_Device_Interface_List_Size(len, null, null, 0)).toBe(CR_INVALID_POINTER);
    expect(app.CM_Get_Device_Interface_List_Size(len, GUID_DEVINTERFACE_SAMPLE, null, 2)).toBe(CR_INVALID_FLAG);
    expect(app.CM_Get_Device_Interface_List_Size(len, GUID_DEVINTERFACE_SAMPLE, "ROOT\\NOPE\\0000", 0)).toBe(CR_NO_SUCH_DEVNODE);
    expect(app.CM_Get_Device_Interface_List(GUID_DEVINTERFACE_SAMPLE, null, 0, 100, 0)).toBe(CR_INVALID_POINTER);
    expect(app.CM_Get_Device_Interface_List(GUID_DEVINTERFACE_SAMPLE, null, buffer, 0, 0)).toBe(CR_INVALID_POINTER);
    expect(app.CM_Get_Device_Interface_List("{bad}", null, buffer, 100, 0)).toBe(CR_INVALID_DATA);
    // A kernel address is not the program's buffer.
    expect(app.CM_Get_Device_Interface_List(GUID_DEVINTERFACE_SAMPLE, null, 0xffff_8000_0000_0000, 4096, 0)).toBe(CR_INVALID_POINTER);
  });
});

describe("cfgmgr32: CM_Register_Notification", () => {
  for (const seed of [1, 2, 3]) {
    it(`the callback hears arrival and removal on a thread of its own, and can open the arriving device; nothing after CM_Unregister_Notification (seed ${seed})`, () => {
      const { m, add } = sampleMachine({ seed, preemption: "random" });
      const app = Win32Process.create(m, "monitor.exe");
      const handles = app.process.handles.count;
      const seen: string[] = [];
      const threads = new Set<number>();
      const ctx = { name: "monitor" };
      const hNotify = Out<HCMNOTIFICATION>(0);
      function* Callback(h: HCMNOTIFICATION, Context: any, Action: number, EventData: CM_NOTIFY_EVENT_DATA, EventDataSize: number, t: Win32ThreadContext) {
        expect([h, Context]).toEqual([hNotify.value, ctx]);
        threads.add(t.GetCurrentThreadId());
        const link = EventData.u.DeviceInterface.SymbolicLink;
        expect(EventDataSize).toBe(24 + 2 * (link.length + 1));
        expect(EventData.u.DeviceInterface.ClassGuid.toLowerCase()).toBe(GUID_DEVINTERFACE_SAMPLE.toLowerCase());
        if (Action === CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) {
          // The monitor opens each device that arrives.
          const hDevice = yield* t.CreateFile(link, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
          seen.push(`arrival ${link} ${hDevice !== INVALID_HANDLE_VALUE ? "opened" : `failed ${t.GetLastError()}`}`);
          if (hDevice !== INVALID_HANDLE_VALUE) yield* t.CloseHandle(hDevice);
        } else {
          seen.push(`${Action === CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL ? "removal" : Action} ${link}`);
        }
        return 0;
      }
      expect(app.CM_Register_Notification(interfaceFilter(), ctx, Callback, hNotify)).toBe(CR_SUCCESS);
      expect(hNotify.value).not.toBe(0);
      const a = add();
      const b = add();
      m.pnp.deleteRootDevice(a);
      app.Sleep(10);
      expect(seen).toEqual([`arrival ${samplePath(a)} opened`, `arrival ${samplePath(b)} opened`, `removal ${samplePath(a)}`]);
      expect(threads.has(app.GetCurrentThreadId())).toBe(false);
      expect(app.CM_Unregister_Notification(hNotify.value)).toBe(CR_SUCCESS);
      add();
      m.pnp.deleteRootDevice(b);
      app.Sleep(10);
      expect(seen).toHaveLength(3);
      expect(app.CM_Unregister_Notification(hNotify.value)).toBe(CR_INVALID_DATA);
      expect(app.process.handles.count).toBe(handles);
      expect(m.stopped).toBe(false);
    });
  }

  it("CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES hears every class; another class's filter hears nothing", () => {
    const { m, add } = sampleMachine();
    const app = Win32Process.create(m, "monitor.exe");
    const all: string[] = [];
    const other: string[] = [];
    const f = interfaceFilter("{00000000-0000-0000-0000-000000000000}");
    f.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    const h1 = Out(0);
    const h2 = Out(0);
    expect(app.CM_Register_Notification(f, null, (_h, _c, _a, e) => void all.push(e.u.DeviceInterface.SymbolicLink), h1)).toBe(CR_SUCCESS);
    expect(app.CM_Register_Notification(interfaceFilter("{00000000-0000-0000-0000-000000000001}"), null, (_h, _c, _a, e) => void other.push(e.u.DeviceInterface.SymbolicLink), h2)).toBe(CR_SUCCESS);
    const a = add();
    // The callbacks run on the process's notification thread once the machine runs on.
    m.run();
    expect(all).toEqual([samplePath(a)]);
    expect(other).toEqual([]);
    app.CM_Unregister_Notification(h1.value);
    app.CM_Unregister_Notification(h2.value);
  });

  it("a thread made with CreateThread registers, waits for an arrival, and unregisters", () => {
    const { m, add } = sampleMachine();
    const app = Win32Process.create(m, "monitor.exe");
    const hArrived = app.CreateEvent(null, true, false, null);
    const seen: string[] = [];
    function* Monitor(_p: unknown, t: Win32ThreadContext) {
      const h = Out(0);
      const cr = t.CM_Register_Notification(interfaceFilter(), hArrived, (_h, ev, _a, data, _s, cb) => {
        seen.push(data.u.DeviceInterface.SymbolicLink);
        cb.SetEvent(ev);
        return 0;
      }, h);
      if (cr !== CR_SUCCESS) return cr;
      yield* t.WaitForSingleObject(hArrived, 0xffffffff);
      return t.CM_Unregister_Notification(h.value);
    }
    const hThread = app.CreateThread(null, 0, Monitor, null, 0, null);
    app.Sleep(1); // the monitor registers and waits
    const a = add();
    expect(app.WaitForSingleObject(hThread, 1000)).toBe(0);
    const code = Out(0);
    app.GetExitCodeThread(hThread, code);
    expect([code.value, seen]).toEqual([CR_SUCCESS, [samplePath(a)]]);
  });

  it("a bad filter is refused", () => {
    const { m } = sampleMachine();
    const app = Win32Process.create(m, "monitor.exe");
    const h = Out(0);
    const cb = () => 0;
    const f = interfaceFilter();
    f.cbSize = 12;
    expect(app.CM_Register_Notification(f, null, cb, h)).toBe(CR_INVALID_STRUCTURE_SIZE);
    expect(app.CM_Register_Notification(interfaceFilter(), null, null, h)).toBe(CR_INVALID_POINTER);
    expect(app.CM_Register_Notification(null, null, cb, h)).toBe(CR_INVALID_POINTER);
    expect(app.CM_Register_Notification(interfaceFilter("nope"), null, cb, h)).toBe(CR_INVALID_DATA);
    const g = interfaceFilter();
    g.Flags = 0x80;
    expect(app.CM_Register_Notification(g, null, cb, h)).toBe(CR_INVALID_FLAG);
    const i = interfaceFilter();
    i.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    expect(app.CM_Register_Notification(i, null, cb, h)).toBe(CR_CALL_NOT_IMPLEMENTED);
    expect(app.CM_Unregister_Notification(0)).toBe(CR_INVALID_DATA);
  });
});
