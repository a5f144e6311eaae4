import { describe, expect, it } from "vitest";
import { boot, BugCheck, STATUS_CANCELLED, DISPATCH_LEVEL, DO_BUFFERED_IO, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOMGR_COMPLETION_NOT_PROPAGATING_PENDING, MachineDeadlock, type Flavor } from "@wdfjs/kernel";
import { ERROR_FILE_NOT_FOUND, ERROR_OPERATION_ABORTED, GENERIC_READ, HasOverlappedIoCompleted, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  benchIoctl, FILTER_DEVICE_EXTENSION, FUNCTION_DEVICE_EXTENSION, installStack, IOCTL_STACK_OWN_IRP, IOCTL_STACK_PEND,
  PEND_DELAY_MS, resultUlong, STACK_FILTER_DRIVER, STACK_WIN32_NAME, StackClient, stackEchoTransform, STAMP_FILTER_DOWN, STAMP_FILTER_UP,
  type InstallStackOptions,
} from "../src/index.js";

function setUp(flavor: Flavor, options: InstallStackOptions = {}, seed = 1) {
  const m = boot({ flavor, seed });
  const stack = installStack(m, options);
  const app = Win32Process.create(m, "stackapp.exe");
  return { m, stack, app };
}

function functionExtension(stack: ReturnType<typeof installStack>): FUNCTION_DEVICE_EXTENSION {
  return stack.functionDriver.DeviceObject!.DeviceExtension as FUNCTION_DEVICE_EXTENSION;
}

describe.each(["checked", "free"] as const)("wdm-stack (%s)", (flavor) => {
  it("builds a three-deep stack: StackSize 1, 2, 3 and buffered I/O on every device", () => {
    const { stack } = setUp(flavor);
    const fdo = stack.functionDriver.DeviceObject!;
    expect(stack.top.StackSize).toBe(3);
    expect(fdo.StackSize).toBe(2);
    expect(stack.bottom.StackSize).toBe(1);
    expect(stack.top.AttachedTo).toBe(fdo);
    expect(fdo.AttachedTo).toBe(stack.bottom);
    expect(stack.bottom.AttachedDevice).toBe(fdo);
    for (const d of [stack.top, fdo, stack.bottom]) expect(d.Flags & DO_BUFFERED_IO).toBe(DO_BUFFERED_IO);
  });

  it("CreateFile on the bottom device's link reaches the top: dispatch runs top-down", () => {
    const { stack, app } = setUp(flavor);
    const client = new StackClient(app);
    expect(stack.log.lines("CREATE")).toEqual(["filter dispatch CREATE", "function dispatch CREATE", "lower dispatch CREATE"]);
    // Create is passed down with IoSkipCurrentIrpStackLocation: every driver reuses the top location.
    expect(stack.log.entries.filter((e) => e.request === "CREATE").map((e) => e.location)).toEqual([3, 3, 3]);
    expect(stack.log.entries.find((e) => e.request === "CREATE")!.irp.StackCount).toBe(3);
    client.close();
    expect(stack.log.lines("CLEANUP")).toEqual(["filter dispatch CLEANUP", "function dispatch CLEANUP", "lower dispatch CLEANUP"]);
    expect(stack.log.lines("CLOSE")).toEqual(["filter dispatch CLOSE", "function dispatch CLOSE", "lower dispatch CLOSE"]);
  });

  it("the echo IOCTL is answered by the function driver and crosses the filter's completion routine", () => {
    const { stack, app } = setUp(flavor);
    const client = new StackClient(app);
    stack.log.clear();
    const data = Array.from({ length: 64 }, (_, i) => i * 3 + 1);
    const r = client.echo(data);
    expect(r.ok).toBe(true);
    expect([...r.bytes]).toEqual([...stackEchoTransform(data)]);
    expect(r.bytes[0]).toBe(data[63]);
    expect(stack.log.lines()).toEqual(["filter dispatch ECHO", "function dispatch ECHO", "filter completion ECHO"]);
    // Completed synchronously: nobody pended, so PendingReturned is false on the way up.
    expect(stack.log.entries[2]!.pendingReturned).toBe(false);
    expect((stack.top.DeviceExtension as FILTER_DEVICE_EXTENSION).Completions).toBe(1);
    // A shorter output buffer gets the reversal of as many input bytes as fit.
    expect([...client.echo([1, 2, 3, 4], 2).bytes]).toEqual([2, 1]);
  });

  it("the filter's change on the way down is what the function driver sees; its change on the way up is what the client gets", () => {
    const { stack, app } = setUp(flavor);
    const client = new StackClient(app);
    stack.log.clear();
    const r = client.stamp(0x1234);
    expect(r.ok).toBe(true);
    expect(r.bytes.length).toBe(12);
    expect(r.seen).toBe((0x1234 | STAMP_FILTER_DOWN) >>> 0);
    expect(r.result).toBe(((0x1234 | STAMP_FILTER_DOWN) + 1) >>> 0);
    expect(r.filterUp).toBe(STAMP_FILTER_UP);
    expect(stack.log.lines()).toEqual(["filter dispatch STAMP", "function dispatch STAMP", "filter completion STAMP"]);
    expect(stack.log.entries[1]!.detail).toBe(`saw 0x${((0x1234 | STAMP_FILTER_DOWN) >>> 0).toString(16)}`);
    // With no room for the filter's field, the client gets only the function driver's 8 bytes.
    const short = client.stamp(7, 8);
    expect(short.ok).toBe(true);
    expect(short.bytes.length).toBe(8);
    expect(short.seen).toBe((7 | STAMP_FILTER_DOWN) >>> 0);
  });

  it("completion routines run bottom-up (lower, function, filter) after dispatch ran top-down", () => {
    const { stack, app } = setUp(flavor);
    const client = new StackClient(app);
    stack.log.clear();
    const r = client.pend(41);
    expect(r.ok).toBe(true);
    expect(resultUlong(r)).toBe(42);
    expect(stack.log.lines()).toEqual([
      "filter dispatch PEND",
      "function dispatch PEND",
      "lower dispatch PEND",
      "lower pend PEND",
      "lower complete PEND",
      "function completion PEND",
      "filter completion PEND",
    ]);
    const byLine = (l: string) => stack.log.entries[stack.log.lines().indexOf(l)]!;
    expect(byLine("filter dispatch PEND").location).toBe(3);
    expect(byLine("function dispatch PEND").location).toBe(2);
    expect(byLine("lower dispatch PEND").location).toBe(1);
    // Each completion routine runs in its own driver's stack location, one level higher each time.
    expect(byLine("function completion PEND").location).toBe(2);
    expect(byLine("filter completion PEND").location).toBe(3);
    // The lower driver pended it, so every completion routine sees PendingReturned, at DISPATCH_LEVEL (the DPC).
    for (const l of ["function completion PEND", "filter completion PEND"]) {
      expect(byLine(l).pendingReturned).toBe(true);
      expect(byLine(l).irql).toBe(DISPATCH_LEVEL);
    }
  });

  it("a pended request pends on an overlapped handle, then completes when the lower driver's timer fires", () => {
    const { m, app } = setUp(flavor);
    const client = new StackClient(app, true);
    const t0 = m.now;
    const call = client.start(IOCTL_STACK_PEND, 99);
    expect(call.pended).toBe(true);
    expect(HasOverlappedIoCompleted(call.overlapped)).toBe(false);
    expect(client.finish(call, false).ok).toBe(false);
    m.runFor(PEND_DELAY_MS - 1);
    expect(HasOverlappedIoCompleted(call.overlapped)).toBe(false);
    const r = client.finish(call);
    expect(r.ok).toBe(true);
    expect(resultUlong(r)).toBe(100);
    expect(m.now - t0).toBeGreaterThanOrEqual(PEND_DELAY_MS);
    expect(app.WaitForSingleObject(call.overlapped.hEvent, 0)).toBe(0);
  });

  it("on a synchronous handle the pended request still returns its result", () => {
    const { m, app } = setUp(flavor);
    const client = new StackClient(app);
    const t0 = m.now;
    const r = client.pend(7);
    expect(r).toMatchObject({ ok: true, error: 0 });
    expect(resultUlong(r)).toBe(8);
    expect(m.now - t0).toBeGreaterThanOrEqual(PEND_DELAY_MS);
  });

  it("STATUS_MORE_PROCESSING_REQUIRED reclaims the function driver's own IRP, which it frees before completing the original", () => {
    const { stack, app } = setUp(flavor);
    const client = new StackClient(app);
    stack.log.clear();
    const r = client.ownIrp(21);
    expect(r.ok).toBe(true);
    expect(resultUlong(r)).toBe(42);
    expect(stack.log.lines()).toEqual([
      "filter dispatch OWN_IRP",
      "function dispatch OWN_IRP",
      "function allocate-irp LOWER_QUERY",
      "lower dispatch LOWER_QUERY",
      "lower pend LOWER_QUERY",
      "lower complete LOWER_QUERY",
      "function completion LOWER_QUERY",
      "function free-irp LOWER_QUERY",
      "function complete OWN_IRP",
      "filter completion OWN_IRP",
    ]);
    const original = stack.log.entries[0]!.irp;
    const own = stack.log.entries[2]!.irp;
    expect(own).not.toBe(original);
    // Sized for the stack below the function driver: one location, the lower driver's.
    expect(own.StackCount).toBe(1);
    expect(stack.log.entries[3]!.location).toBe(1);
    // Freed by the driver (back to the I/O manager), never completed by the I/O manager.
    expect(own.inUse).toBe(false);
    expect(own.completed).toBe(false);
    const fx = functionExtension(stack);
    expect(fx.OwnIrpsAllocated).toBe(1);
    expect(fx.OwnIrpsFreed).toBe(1);
    // The original pended (marked by the function driver) and the filter saw it so.
    expect(stack.log.entries[9]!.pendingReturned).toBe(true);
  });

  it("the own-IRP request leaks nothing: IRPs come back to the lookaside list and the pool tag balances", () => {
    const { m, stack, app } = setUp(flavor);
    const client = new StackClient(app);
    client.ownIrp(1);
    const allocated = m.io.irpLookaside.allocated;
    for (let i = 2; i <= 6; i++) expect(resultUlong(client.ownIrp(i))).toBe(i * 2);
    expect(m.io.irpLookaside.allocated).toBe(allocated);
    const usage = m.mm.pool.usage.find((u) => u.tag === "StkF")!;
    expect(usage.allocations).toBe(6);
    expect(usage.frees).toBe(6);
    expect(usage.bytes).toBe(0);
    expect(functionExtension(stack).OwnIrpsFreed).toBe(6);
  });

  it("the own-IRP request pends on an overlapped handle until the lower driver answers", () => {
    const { app } = setUp(flavor);
    const client = new StackClient(app, true);
    const call = client.start(IOCTL_STACK_OWN_IRP, 50);
    expect(call.pended).toBe(true);
    expect(HasOverlappedIoCompleted(call.overlapped)).toBe(false);
    expect(resultUlong(client.finish(call))).toBe(100);
  });

  it("CancelIo on a pended request completes it as cancelled through both completion routines", () => {
    const { stack, app } = setUp(flavor);
    const client = new StackClient(app, true);
    const call = client.start(IOCTL_STACK_PEND, 1);
    expect(call.pended).toBe(true);
    stack.log.clear();
    expect(app.CancelIo(client.handle)).toBe(true);
    const r = client.finish(call);
    expect(r.ok).toBe(false);
    expect(r.error).toBe(ERROR_OPERATION_ABORTED);
    expect(stack.log.lines()).toEqual(["lower cancelled PEND", "function completion PEND", "filter completion PEND"]);
  });

  it("pended requests are answered oldest first; one cancelled from the middle of the queue leaves the others in order", () => {
    const { m, stack, app } = setUp(flavor);
    const client = new StackClient(app, true);
    const calls = [10, 20, 30, 40, 50].map((v) => client.start(IOCTL_STACK_PEND, v));
    expect(calls.every((c) => c.pended)).toBe(true);
    stack.log.clear();
    expect(app.CancelIoEx(client.handle, calls[2]!.overlapped)).toBe(true);
    expect(stack.log.lines("PEND")).toEqual(["lower cancelled PEND", "function completion PEND", "filter completion PEND"]);
    m.runFor(10 * PEND_DELAY_MS);
    const answers = stack.log.entries.filter((e) => e.driver === "lower" && e.event === "complete").map((e) => e.detail);
    expect(answers).toEqual([11, 21, 41, 51].map((v) => `from the timer DPC, answer ${v}`));
    const results = calls.map((c) => {
      const r = client.finish(c);
      return r.ok ? resultUlong(r) : r.error;
    });
    expect(results).toEqual([11, 21, ERROR_OPERATION_ABORTED, 41, 51]);
  });

  it("closing the handle cancels its pended request in the lower driver's IRP_MJ_CLEANUP; another handle's request lives on", () => {
    const { m, stack, app } = setUp(flavor);
    const mine = new StackClient(app, true);
    const other = new StackClient(app, true);
    const a = mine.start(IOCTL_STACK_PEND, 1);
    const b = other.start(IOCTL_STACK_PEND, 5);
    expect(a.pended && b.pended).toBe(true);
    stack.log.clear();
    expect(mine.close()).toBe(true);
    expect(stack.log.lines("PEND")).toEqual(["lower cancelled PEND", "function completion PEND", "filter completion PEND"]);
    expect(a.overlapped.Internal).toBe(STATUS_CANCELLED);
    m.runFor(10 * PEND_DELAY_MS);
    const r = other.finish(b);
    expect(r.ok).toBe(true);
    expect(resultUlong(r)).toBe(6);
  });

  it("unloads top-down and leaves nothing behind: the name is gone", () => {
    const { m, stack, app } = setUp(flavor);
    const client = new StackClient(app);
    expect(resultUlong(client.pend(1))).toBe(2);
    client.close();
    stack.uninstall();
    m.run();
    expect(m.stopped).toBe(false);
    expect(app.CreateFile(STACK_WIN32_NAME, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });
});

describe("wdm-stack: a filter that forgets to propagate pending", () => {
  // Without the mark, the top stack location never says "pending". A device I/O control is
  // not a deferred-completion request (only reads, writes and FSCTLs are), so the I/O
  // manager still finishes it in the caller's thread: the bug hides from IOCTL callers in
  // the free flavor, and only the verifier shows it.
  it("still finishes a device I/O control the lower driver pended: the overlapped call completes", () => {
    const { m, stack, app } = setUp("free", { forgetfulFilter: true });
    const client = new StackClient(app, true);
    const call = client.start(IOCTL_STACK_PEND, 5);
    expect(call.pended).toBe(true);
    m.runFor(10 * PEND_DELAY_MS);
    // Every completion routine ran and saw PendingReturned, but the filter did not mark its own location.
    expect(stack.log.lines("PEND").slice(-3)).toEqual(["lower complete PEND", "function completion PEND", "filter completion PEND"]);
    expect(stack.log.entries.at(-1)!.pendingReturned).toBe(true);
    expect(HasOverlappedIoCompleted(call.overlapped)).toBe(true);
    const r = client.finish(call);
    expect(r.ok).toBe(true);
    expect(resultUlong(r)).toBe(6);
    expect(m.stopped).toBe(false);
  });

  it("and a synchronous caller gets its answer", () => {
    const { app } = setUp("free", { forgetfulFilter: true });
    const client = new StackClient(app);
    expect(resultUlong(client.pend(5))).toBe(6);
  });

  it("still works for requests nobody pends", () => {
    const { app } = setUp("free", { forgetfulFilter: true });
    const client = new StackClient(app);
    expect(client.stamp(1).filterUp).toBe(STAMP_FILTER_UP);
  });

  it("bug-checks 0xC9 (0x228) in the checked flavor, blaming the filter", () => {
    const { m, app } = setUp("checked", { forgetfulFilter: true });
    const client = new StackClient(app, true);
    client.start(IOCTL_STACK_PEND, 5);
    let thrown: unknown = null;
    try {
      m.runFor(10 * PEND_DELAY_MS);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(BugCheck);
    const d = m.bugCheckData!;
    expect(d.BugCheckCode).toBe(DRIVER_VERIFIER_IOMANAGER_VIOLATION);
    expect(d.BugCheckParameter1).toBe(IOMGR_COMPLETION_NOT_PROPAGATING_PENDING);
    expect(d.driver).toBe(`${STACK_FILTER_DRIVER}.sys`);
    expect(d.explanation).toMatch(/IoMarkIrpPending/);
  });
});

describe("wdm-stack: machines and the benchmark", () => {
  it("each machine has its own stack and its own log", () => {
    const a = setUp("checked");
    const b = setUp("checked");
    new StackClient(a.app).pend(1);
    expect(a.stack.log.lines("PEND").length).toBe(7);
    expect(b.stack.log.entries.length).toBe(0);
    expect(b.stack.top).not.toBe(a.stack.top);
  });

  it("COPY returns the input unchanged, cut to the output length, through the filter's completion routine", () => {
    const { stack, app } = setUp("checked");
    const client = new StackClient(app);
    const r = client.copy([9, 8, 7, 6, 5], 3);
    expect(r.ok).toBe(true);
    expect([...r.bytes]).toEqual([9, 8, 7]);
    expect(stack.log.lines("COPY")).toEqual(["filter dispatch COPY", "function dispatch COPY", "filter completion COPY"]);
  });

  it("the benchmark's IOCTL round-trips 64 bytes in and out with the log off", () => {
    for (const flavor of ["checked", "free"] as const) {
      const { stack, app } = setUp(flavor, benchIoctl.installOptions);
      const client = new StackClient(app);
      const input = Array.from({ length: benchIoctl.inputLength }, (_, i) => (i * 7) & 0xff);
      for (let i = 0; i < 50; i++) {
        const r = client.copy(input, benchIoctl.outputLength);
        expect(r.ok).toBe(true);
        expect(r.bytes.length).toBe(benchIoctl.outputLength);
        expect([...r.bytes]).toEqual([...benchIoctl.expectedOutput(input)]);
      }
      expect(stack.log.entries.length).toBe(0);
      expect((stack.top.DeviceExtension as FILTER_DEVICE_EXTENSION).Completions).toBe(50);
    }
  });
});

