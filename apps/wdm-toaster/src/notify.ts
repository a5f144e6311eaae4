/**
 * A Win32 listener in the spirit of the WDK's notify.exe (a GUI there): it registers with
 * CM_Register_Notification for GUID_DEVINTERFACE_TOASTER and, on a thread of its own,
 * opens each toaster that arrives and reads from it, and notes each removal.
 */
import { Out } from "@wdfjs/kernel";
import {
  CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, CM_NOTIFY_FILTER, CM_NOTIFY_FILTER_SIZE, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE,
  CR_SUCCESS, GENERIC_READ, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, OPEN_EXISTING, PAGE_READWRITE,
  type CM_NOTIFY_EVENT_DATA, type HCMNOTIFICATION, type Win32Thread, type Win32ThreadContext,
} from "@wdfjs/win32";
import { GUID_DEVINTERFACE_TOASTER } from "./public.js";

export interface ToasterWatch {
  /** `arrival <path> read <n>` / `arrival <path> open failed <error>` / `removal <path>`. */
  readonly seen: string[];
  /** CM_Unregister_Notification: no callback after it returns. */
  stop(): boolean;
}

export function watchToasters(app: Win32Thread): ToasterWatch | null {
  const seen: string[] = [];
  const filter = new CM_NOTIFY_FILTER();
  filter.cbSize = CM_NOTIFY_FILTER_SIZE;
  filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
  filter.u.DeviceInterface.ClassGuid = GUID_DEVINTERFACE_TOASTER;
  function* Callback(hNotify: HCMNOTIFICATION, Context: any, Action: number, EventData: CM_NOTIFY_EVENT_DATA, EventDataSize: number, t: Win32ThreadContext) {
    void hNotify;
    void Context;
    void EventDataSize;
    const link = EventData.u.DeviceInterface.SymbolicLink;
    if (Action === CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) {
      const h = yield* t.CreateFile(link, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
      if (h === INVALID_HANDLE_VALUE) {
        seen.push(`arrival ${link} open failed ${t.GetLastError()}`);
        return 0;
      }
      const buffer = t.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
      const n = Out(0);
      const ok = yield* t.ReadFile(h, buffer, 10, n, null);
      seen.push(ok ? `arrival ${link} read ${n.value}` : `arrival ${link} read failed ${t.GetLastError()}`);
      t.VirtualFree(buffer, 0, MEM_RELEASE);
      yield* t.CloseHandle(h);
    } else if (Action === CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) {
      seen.push(`removal ${link}`);
    }
    return 0;
  }
  const hNotify = Out<HCMNOTIFICATION>(0);
  if (app.CM_Register_Notification(filter, null, Callback, hNotify) !== CR_SUCCESS) return null;
  return { seen, stop: () => app.CM_Unregister_Notification(hNotify.value) === CR_SUCCESS };
}
