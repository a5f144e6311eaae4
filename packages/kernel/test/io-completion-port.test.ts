import { describe, expect, it } from "vitest";
import { boot, IO_STATUS_BLOCK, NtClose, NtCreateIoCompletion, NtRemoveIoCompletion, NtSetIoCompletion, Out, STATUS_SUCCESS, STATUS_TIMEOUT } from "../src/index.js";
import { client } from "./helpers.js";

describe("Io: completion port packets", () => {
  it("tens of thousands of packets come out in the order they were posted, across refills of the queue", () => {
    const m = boot({ flavor: "free" });
    const c = client(m);
    const port = Out(0);
    expect(m.syscall(c.thread, () => NtCreateIoCompletion(port, 0, null, 0))).toBe(STATUS_SUCCESS);
    const key = Out(0);
    const context = Out<any>(null);
    const iosb = new IO_STATUS_BLOCK();
    let posted = 0;
    let taken = 0;
    const post = (n: number) => {
      for (let i = 0; i < n; i++, posted++) NtSetIoCompletion(port.value, posted, { n: posted }, STATUS_SUCCESS, posted * 2);
    };
    const take = (n: number) => {
      for (let i = 0; i < n; i++, taken++) {
        expect(NtRemoveIoCompletion(port.value, key, context, iosb, 0)).toBe(STATUS_SUCCESS);
        expect([key.value, context.value.n, iosb.Information]).toEqual([taken, taken, taken * 2]);
      }
    };
    m.syscall(c.thread, () => {
      // Filling, part-draining and refilling: the queue wraps around and grows while it holds packets.
      post(20_000);
      take(15_000);
      post(30_000);
      take(35_000);
      expect(NtRemoveIoCompletion(port.value, key, context, iosb, 0)).toBe(STATUS_TIMEOUT);
      return NtClose(port.value);
    });
    expect(taken).toBe(50_000);
  });
});
