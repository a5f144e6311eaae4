import { describe, expect, it } from "vitest";
import { boot, Out, STATUS_INVALID_PARAMETER, STATUS_SUCCESS } from "@wdfjs/kernel";
import {
  RtlInitUnicodeString, UNICODE_STRING, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WdfCollectionAdd, WdfCollectionCreate, WdfCollectionGetCount,
  WdfCollectionGetFirstItem, WdfCollectionGetItem, WdfCollectionGetLastItem, WdfCollectionRemove, WdfCollectionRemoveItem, WdfObjectCreate, WdfObjectDelete,
  WdfStringCreate, WdfStringGetUnicodeString, type WDFCOLLECTION, type WDFOBJECT, type WDFSTRING,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

function machine() {
  const m = boot();
  expect(loadControlDriver(m, "STRCOL", () => STATUS_SUCCESS)).toBe(STATUS_SUCCESS);
  return m;
}

describe("WDFSTRING", () => {
  it("WdfStringCreate copies the string; WdfStringGetUnicodeString gives it back with its byte length; NULL makes an empty one", () => {
    const m = machine();
    m.runInKernel(() => {
      const us = new UNICODE_STRING();
      RtlInitUnicodeString(us, "Echo");
      const s = Out<WDFSTRING | null>(null);
      expect(WdfStringCreate(us, null, s)).toBe(STATUS_SUCCESS);
      us.Buffer = "changed";
      const got = new UNICODE_STRING();
      WdfStringGetUnicodeString(s.value!, got);
      expect([got.Buffer, got.Length]).toEqual(["Echo", 8]);
      const empty = Out<WDFSTRING | null>(null);
      expect(WdfStringCreate(null, null, empty)).toBe(STATUS_SUCCESS);
      WdfStringGetUnicodeString(empty.value!, got);
      expect([got.Buffer, got.Length]).toEqual(["", 0]);
      const odd = new UNICODE_STRING();
      odd.Buffer = "ab";
      odd.Length = 3;
      expect(WdfStringCreate(odd, null, Out<WDFSTRING | null>(null))).toBe(STATUS_INVALID_PARAMETER);
    });
  });
});

describe("WDFCOLLECTION", () => {
  it("items keep their order; removal by object or index; the collection's reference keeps an item alive after WdfObjectDelete until removed", () => {
    const m = machine();
    m.runInKernel(() => {
      const c = Out<WDFCOLLECTION | null>(null);
      expect(WdfCollectionCreate(null, c)).toBe(STATUS_SUCCESS);
      const items: WDFOBJECT[] = [];
      const destroyed: WDFOBJECT[] = [];
      for (let i = 0; i < 3; i++) {
        const a = new WDF_OBJECT_ATTRIBUTES();
        WDF_OBJECT_ATTRIBUTES_INIT(a);
        a.EvtDestroyCallback = (o) => destroyed.push(o);
        const o = Out<WDFOBJECT | null>(null);
        WdfObjectCreate(a, o);
        items.push(o.value!);
        expect(WdfCollectionAdd(c.value!, o.value!)).toBe(STATUS_SUCCESS);
      }
      expect(WdfCollectionGetCount(c.value!)).toBe(3);
      expect([WdfCollectionGetFirstItem(c.value!), WdfCollectionGetItem(c.value!, 1), WdfCollectionGetLastItem(c.value!)]).toEqual(items);
      expect(WdfCollectionGetItem(c.value!, 3)).toBeNull();
      WdfCollectionRemove(c.value!, items[1]!);
      expect([WdfCollectionGetCount(c.value!), WdfCollectionGetItem(c.value!, 1)]).toEqual([2, items[2]]);
      WdfObjectDelete(items[0]!);
      // Deleted, but the collection still references it: not destroyed yet.
      expect(destroyed).toEqual([]);
      WdfCollectionRemoveItem(c.value!, 0);
      expect(destroyed).toEqual([items[0]]);
      expect(WdfCollectionGetFirstItem(c.value!)).toBe(items[2]);
      // Deleting the collection releases its items; it does not delete them.
      WdfObjectDelete(c.value!);
      expect(destroyed).toEqual([items[0]]);
    });
  });
});
