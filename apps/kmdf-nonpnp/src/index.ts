/** The KMDF ioctl sample "nonpnp" (nonpnp.sys) and its client program (nonpnpapp.exe, testapp.c). */
export * from "./public.js";
export * from "./nonpnp-context.js";
export * from "./nonpnp.js";
export * from "./nonpnp-io.js";
export * from "./client.js";
