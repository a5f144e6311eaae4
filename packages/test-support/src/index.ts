/** Test support shared by the samples' tests (private: not published). */
export * from "./fuzz-device.js";
export * from "./bug-check.js";
