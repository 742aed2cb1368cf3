/**
 * The clock and the logger every long-lived part of a runtime receives (lib/platform/runtime.ts):
 * tests hand in their own, production gets these.
 */
export type Clock = { now(): number };
export type Logger = { info(message: string): void; error(message: string): void };

export const systemClock: Clock = { now: () => Date.now() };
export const consoleLogger: Logger = { info: (message) => console.log(message), error: (message) => console.error(message) };
