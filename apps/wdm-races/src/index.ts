/**
 * @wdfjs/sample-wdm-races: deliberately racy raw WDM drivers and their fixed twins (a lost
 * update, the cancel race, completion racing cleanup), their client programs, and one run of
 * each race for `exploreSeeds`.
 */
export * from "./drivers/common.js";
export * from "./drivers/counter.js";
export * from "./drivers/cancel.js";
export * from "./drivers/queue.js";
export * from "./client.js";
export * from "./races.js";
