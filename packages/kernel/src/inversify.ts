/**
 * The kernel's one door to inversify, and the one copy every wdfjs package should use
 * (`@wdfjs/kernel/inversify`, as Theia's packages share `@theia/core/shared/inversify`).
 * The build bundles this file with inversify and reflect-metadata into one module:
 * inversify ships as some 360 small ES modules, and loading them one by one was most of
 * the time it took to import the kernel.
 */
import "reflect-metadata";
export * from "inversify";
