/** The echo sample as a raw WDM driver (echo.sys) and its client program (echoapp.exe). */
export * from "./driver.js";
export * from "./client.js";
