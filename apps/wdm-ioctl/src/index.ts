/** The ioctl sample as a raw WDM driver (sioctl.sys) and its client program (testapp.exe). */
export * from "./driver.js";
export * from "./client.js";
