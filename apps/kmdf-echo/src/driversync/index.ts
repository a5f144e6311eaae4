export * from "./driver.js";
export * from "./device.js";
export * from "./queue.js";
