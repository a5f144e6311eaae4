import { describe, expect, it } from "vitest";
import {
  boot, CONTAINING_RECORD, FAST_FAIL_CORRUPT_LIST_ENTRY, InitializeListHead, InsertHeadList, InsertTailList, IoAllocateIrp, IoFreeIrp, IRP,
  IsListEmpty, KERNEL_SECURITY_CHECK_FAILURE, LIST_ENTRY, RemoveEntryList, RemoveHeadList, RemoveTailList,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

class Item {
  readonly Link: LIST_ENTRY<Item>;
  constructor(readonly value: number) {
    this.Link = new LIST_ENTRY(this);
  }
}

function values(head: LIST_ENTRY<Item>): number[] {
  const out: number[] = [];
  for (let e = head.Flink; e !== head; e = e.Flink) out.push(CONTAINING_RECORD(e, Item, "Link").value);
  return out;
}

describe("Rtl: LIST_ENTRY", () => {
  it("an initialised head is an empty list, and removing from it returns the head", () => {
    const head = new LIST_ENTRY<Item>();
    InitializeListHead(head);
    expect(IsListEmpty(head)).toBe(true);
    expect(RemoveHeadList(head)).toBe(head);
    expect(RemoveTailList(head)).toBe(head);
    expect(IsListEmpty(head)).toBe(true);
  });

  it("InsertTailList and InsertHeadList place entries at the ends; RemoveHeadList and RemoveTailList take them from there", () => {
    const head = new LIST_ENTRY<Item>();
    InitializeListHead(head);
    const items = [1, 2, 3, 4].map((v) => new Item(v));
    InsertTailList(head, items[1]!.Link);
    InsertTailList(head, items[2]!.Link);
    InsertHeadList(head, items[0]!.Link);
    InsertTailList(head, items[3]!.Link);
    expect(values(head)).toEqual([1, 2, 3, 4]);
    expect(CONTAINING_RECORD(RemoveHeadList(head), Item, "Link").value).toBe(1);
    expect(CONTAINING_RECORD(RemoveTailList(head), Item, "Link").value).toBe(4);
    expect(values(head)).toEqual([2, 3]);
  });

  it("RemoveEntryList unlinks an entry from anywhere and says whether the list is now empty", () => {
    const head = new LIST_ENTRY<Item>();
    InitializeListHead(head);
    const items = [1, 2, 3].map((v) => new Item(v));
    for (const i of items) InsertTailList(head, i.Link);
    expect(RemoveEntryList(items[1]!.Link)).toBe(false);
    expect(values(head)).toEqual([1, 3]);
    expect(RemoveEntryList(items[0]!.Link)).toBe(false);
    expect(RemoveEntryList(items[2]!.Link)).toBe(true);
    expect(IsListEmpty(head)).toBe(true);
  });

  it("a hundred thousand IRPs queue through Tail.Overlay.ListEntry and come out in order", () => {
    const m = boot({ flavor: "free" });
    m.runInKernel(() => {
      const queue = new LIST_ENTRY<IRP>();
      InitializeListHead(queue);
      const irps: IRP[] = [];
      for (let i = 0; i < 100_000; i++) {
        const irp = IoAllocateIrp(1, false)!;
        irps.push(irp);
        InsertTailList(queue, irp.Tail.Overlay.ListEntry);
      }
      // Every other one leaves from the middle of the queue (as a cancel routine takes its IRP).
      for (let i = 1; i < irps.length; i += 2) RemoveEntryList(irps[i]!.Tail.Overlay.ListEntry);
      let expected = 0;
      while (!IsListEmpty(queue)) {
        const irp = CONTAINING_RECORD(RemoveHeadList(queue), IRP, "Tail.Overlay.ListEntry");
        expect(irp).toBe(irps[expected]);
        expected += 2;
        IoFreeIrp(irp);
      }
      expect(expected).toBe(100_000);
      for (let i = 1; i < irps.length; i += 2) IoFreeIrp(irps[i]!);
    });
  });

  it("an entry removed twice is a corrupt list: KERNEL_SECURITY_CHECK_FAILURE (0x139) with parameter 1 = 3", () => {
    const m = boot();
    const d = expectBugCheck(m, KERNEL_SECURITY_CHECK_FAILURE, () =>
      m.runInKernel(() => {
        const head = new LIST_ENTRY<Item>();
        InitializeListHead(head);
        const a = new Item(1);
        InsertTailList(head, a.Link);
        InsertTailList(head, new Item(2).Link);
        RemoveEntryList(a.Link);
        RemoveEntryList(a.Link);
      }),
    );
    // learn.microsoft.com bug-check-0x139: parameter 1 = 3, "A LIST_ENTRY has been corrupted (i.e. double remove)".
    expect(d.BugCheckParameter1).toBe(FAST_FAIL_CORRUPT_LIST_ENTRY);
  });
});
